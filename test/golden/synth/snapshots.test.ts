/**
 * One reviewed snapshot per fixture environment: every file the synth writes for it, as a
 * reviewer reads them in dist/. Update only for an intended change of the output (`npm run
 * test:update`), and say in the commit why it changed.
 */
import { FIXTURE_ENVIRONMENTS, fixtureTree } from '../../support/helpers';

const tree = fixtureTree();

/** One environment's files, each under its name. */
const filesOf = (env: string) =>
  [...tree.entries()]
    .filter(([file]) => file.startsWith(`${env}/`) || file === `argocd/${env}.yaml`)
    .map(([file, content]) => `=== ${file}\n${content}`)
    .join('\n');

describe.each(FIXTURE_ENVIRONMENTS)('%s', (env) => {
  it('matches the reviewed snapshot', () => {
    const files = filesOf(env);
    expect(files).toContain(`=== ${env}/kustomization.yaml`);
    expect(files).toMatchSnapshot();
  });
});
