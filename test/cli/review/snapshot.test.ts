/**
 * The review reads the working tree's dist/ without parsing the files that are what the config
 * produces (it knows their objects from the synth): the snapshot must be the one parsing gives.
 */
import * as path from 'node:path';
import { buildAll } from '../../../src/build';
import { snapshotOf, snapshotOfProject } from '../../../src/review/snapshot';
import { readTree } from '../../../src/synth/output';
import { cli, fixtureProject } from '../../support/helpers';

it('gives the objects and texts of a current dist/ exactly as parsing its files does', async () => {
  const dir = fixtureProject();
  expect((await cli(['synth'], dir)).status).toBe(0);
  const known = snapshotOfProject(dir, { config: 'config', out: 'dist' }, true);
  const { inputs } = buildAll('config', dir);
  const parsed = snapshotOf(
    readTree(path.join(dir, 'dist')),
    inputs.map((i) => i.model),
  );
  expect(known.staleFiles).toEqual([]);
  expect([...known.envs.keys()]).toEqual([...parsed.envs.keys()]);
  for (const [name, env] of parsed.envs) {
    const other = known.envs.get(name)!;
    expect(other.objects).toStrictEqual(env.objects);
    expect(other.parts).toEqual(env.parts);
    expect(other.texts).toEqual(env.texts);
  }
});
