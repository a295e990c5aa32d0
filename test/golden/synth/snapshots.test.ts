/**
 * One reviewed snapshot per fixture environment: every file the synth writes for it, as a
 * reviewer reads them in dist/. Update only for an intended change of the output (`npm run
 * test:update`), and say in the commit why it changed.
 */
import { FIXTURE_ENVIRONMENTS, fixtureTree } from '../../support/helpers';

const tree = fixtureTree();

/**
 * The rollout controller's code is the same bundle in every environment, reviewed as code (its
 * tests are test/unit/controller and the rehearsals), not as output: the snapshots show where it
 * goes, not what it holds, so a change of the controller does not rewrite every snapshot.
 */
const withoutBundle = (text: string) =>
  text
    .replace(/axon-deploy-controller-[0-9a-f]{10}/g, 'axon-deploy-controller-<code revision>')
    .replace(/^( {2}controller\.js: )\|\n(?: {4}.*\n|\n)*/m, '$1<the rollout controller bundle>\n');

/** One environment's files, each under its name. */
const filesOf = (env: string) =>
  [...tree.entries()]
    .filter(([file]) => file.startsWith(`${env}/`) || file === `argocd/${env}.yaml`)
    .map(([file, content]) => `=== ${withoutBundle(file)}\n${withoutBundle(content)}`)
    .join('\n');

describe.each(FIXTURE_ENVIRONMENTS)('%s', (env) => {
  it('matches the reviewed snapshot', () => {
    const files = filesOf(env);
    expect(files).toContain(`=== ${env}/kustomization.yaml`);
    expect(files).toMatchSnapshot();
  });
});
