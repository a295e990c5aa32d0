/**
 * The restore's config-database script, run as the Job runs it: `node <script>` with the
 * environment the model renders for the Job (the contract), on a data directory that holds what
 * a snapshot of a node's data volume holds.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shippedAssets } from '../../../src/assets';
import { restorePlan } from '../../../src/model/restore';
import type { JobModel } from '../../../src/model/types';
import { enterprise, environment, validModel } from '../../support/builders';
import { tempDir } from '../../support/helpers';
import { zipOf } from '../../support/zip';

function jobFor(image: string): JobModel {
  const model = validModel(
    environment(
      enterprise(
        { 'axonserver-1': 'PRIMARY', 'axonserver-2': 'PRIMARY', 'axonserver-3': 'PRIMARY' },
        { image, backup: { enabled: true } },
      ),
    ),
  );
  return restorePlan(model, '20261201t020000z', [], shippedAssets()).configDbJobs[0];
}

/** Runs the Job's container locally: its script from the assets, its env, the data mount mapped to `dir`. */
function run(job: JobModel, dir: string): { status: number; stderr: string; stdout: string } {
  const c = job.pod.containers[0];
  const scripts = tempDir();
  fs.writeFileSync(path.join(scripts, 'restore-configdb.js'), shippedAssets().jobs['restore-configdb.js']);
  const env = Object.fromEntries(c.env.map((e) => [e.name, 'value' in e ? e.value : '']));
  const r = spawnSync(process.execPath, [path.join(scripts, path.basename(c.args![0]))], {
    env: { ...env, RESTORE_DATA_DIR: dir },
    encoding: 'utf8',
  });
  return { status: r.status ?? 1, stderr: r.stderr, stdout: r.stdout };
}

describe('restore-configdb.js', () => {
  it("puts the newest backup's config database back, keeping the snapshot's copy", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'axonserver-configdb.mv.db'), 'crash-consistent');
    fs.writeFileSync(path.join(dir, 'controldb1700000000000.zip'), zipOf({ 'axonserver-configdb.mv.db': 'older' }));
    fs.writeFileSync(
      path.join(dir, 'controldb1800000000000.zip'),
      zipOf({ 'axonserver-configdb.mv.db': 'consistent' }),
    );
    const r = run(jobFor('axoniq/axonserver:2025.1.5-jdk-17-nonroot'), dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'axonserver-configdb.mv.db'), 'utf8')).toBe('consistent');
    expect(fs.readFileSync(path.join(dir, 'axonserver-configdb.mv.db.from-snapshot'), 'utf8')).toBe('crash-consistent');
    expect(r.stdout.trim()).toBe(
      "axonserver-1: axonserver-configdb.mv.db restored from controldb1800000000000.zip (the snapshot's copy kept as axonserver-configdb.mv.db.from-snapshot)",
    );
  });

  it('fails, naming both files, when the backup holds the file an older version read', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'controldb1800000000000.zip'), zipOf({ 'axonserver-controldb.mv.db': 'old name' }));
    const r = run(jobFor('axoniq/axonserver:2025.1.5-jdk-17-nonroot'), dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'controldb1800000000000.zip holds axonserver-controldb.mv.db, not axonserver-configdb.mv.db, the file this Axon Server version reads',
    );
    expect(fs.existsSync(path.join(dir, 'axonserver-configdb.mv.db'))).toBe(false);
  });

  it('reads the old name for images before 2024.0, and fails without a backup zip', () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'controldb1800000000000.zip'),
      zipOf({ 'axonserver-controldb.mv.db': 'consistent' }),
    );
    expect(run(jobFor('axoniq/axonserver:2023.2.4-jdk-17-nonroot'), dir).status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'axonserver-controldb.mv.db'), 'utf8')).toBe('consistent');
    const empty = run(jobFor('axoniq/axonserver:2025.1.5-jdk-17-nonroot'), tempDir());
    expect([empty.status, empty.stderr.trim()]).toEqual([
      1,
      'restore of the config database failed: no controldb<millis>.zip on the data volume of axonserver-1: the backup run took none here',
    ]);
  });
});
