import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderOutput } from '../../src/synth/render';
import { bundled, ROOT } from '../helpers';

const ENVIRONMENTS = ['dev', 'staging', 'prod'];
const tree = renderOutput(ENVIRONMENTS.map((env) => ({ model: bundled(env).model, sourceFile: `config/${env}.yaml` })));

/** One environment's files, each under its name, as reviewers read them in dist/. */
const filesOf = (env: string) => [...tree.entries()]
  .filter(([file]) => file.startsWith(`${env}/`) || file === `argocd/${env}.yaml`)
  .map(([file, content]) => `=== ${file}\n${content}`)
  .join('\n');

describe.each(ENVIRONMENTS)('%s', (env) => {
  it('matches the reviewed snapshot', () => {
    expect(filesOf(env)).toMatchSnapshot();
  });

  it('matches what is committed in dist/', () => {
    for (const [file, content] of tree) {
      if (!file.startsWith(`${env}/`)) continue;
      expect(`${file}\n${fs.readFileSync(path.join(ROOT, 'dist', file), 'utf8')}`).toBe(`${file}\n${content}`);
    }
    const committed = fs.readdirSync(path.join(ROOT, 'dist', env)).map((f) => `${env}/${f}`).sort();
    expect(committed).toEqual([...tree.keys()].filter((f) => f.startsWith(`${env}/`)));
  });
});
