/**
 * The backup run's script against a fake Axon Server on loopback and a real kube-apiserver (the
 * envtest binaries, with the CSI snapshot CRDs installed): control-DB backups on every _admin
 * node first, then one VolumeSnapshot per claim with the run's labels, waiting until each is
 * readyToUse (no snapshot controller runs here: the test marks them ready, as the CSI driver
 * would), then deleting the runs beyond the newest BACKUP_KEEP. A failed snapshot fails the run
 * and deletes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { BACKUP_SCRIPT } from '../../../src/jobs/backup';
import { Kubectl } from '../../../src/validate/api-server';
import { tempDir } from '../../support/helpers';
import { fakeAxonServer, FakeServer, runScript } from '../../support/fake-axon-server';

const kubeconfig = process.env.AXON_DEPLOY_TEST_KUBECONFIG;
const kubectlBinary = process.env.AXON_DEPLOY_TEST_KUBECTL;
const withServer = kubeconfig && kubectlBinary ? describe : describe.skip;
jest.setTimeout(60_000);

const LABELS = {
  'app.kubernetes.io/name': 'axonserver',
  'app.kubernetes.io/instance': 'axonserver-backup',
  'app.kubernetes.io/component': 'backup',
};
const CLAIMS = ['axonserver-1/data/data-axonserver-1-0', 'axonserver-1/events/events-axonserver-1-0'];

withServer('the backup run', () => {
  const kubectl = new Kubectl(kubectlBinary!, kubeconfig!);
  const config = parse(fs.readFileSync(kubeconfig!, 'utf8'));
  const apiUrl: string = config.clusters[0].cluster.server;
  const tokenFile = path.join(tempDir(), 'token');
  fs.writeFileSync(tokenFile, config.users[0].user.token);
  // kube-apiserver's self-signed serving certificate, from its --cert-dir.
  const caFile = path.join(path.dirname(kubeconfig!), 'certs', 'apiserver.crt');
  let axon: FakeServer;
  let ns: string;
  let counter = 0;

  beforeEach(async () => {
    ns = `backup-test-${++counter}`;
    expect(kubectl.run(['create', 'namespace', ns]).status).toBe(0);
    axon = await fakeAxonServer({ 'POST /v1/backup/createControlDbBackup': () => ({ status: 200, body: '' }) });
  });
  afterEach(async () => {
    await axon.close();
  });

  const snapshots = (): { name: string; run: string; ready?: boolean }[] => {
    const r = kubectl.run(['-n', ns, 'get', 'volumesnapshots', '-o', 'json']);
    return (JSON.parse(r.stdout).items as any[])
      .map((s) => ({
        name: s.metadata.name,
        run: s.metadata.labels['axon-deploy.io/backup-run'],
        ready: s.status?.readyToUse,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  };
  /** A snapshot of an earlier run, complete (readyToUse) or not. */
  const oldRun = (run: string, ready = true) => {
    const name = `data-axonserver-1-0-${run}`;
    const created = kubectl.run(
      ['-n', ns, 'apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshot',
        metadata: { name, labels: { ...LABELS, 'axon-deploy.io/backup-run': run } },
        spec: { source: { persistentVolumeClaimName: 'data-axonserver-1-0' } },
      }),
    );
    if (ready)
      kubectl.run([
        '-n',
        ns,
        'patch',
        'volumesnapshot',
        name,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({ status: { readyToUse: true } }),
      ]);
    return created;
  };
  /** Plays the CSI snapshotter: marks each new snapshot ready (or failed) once it exists. */
  async function snapshotter(status: object, expected: number): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const fresh = snapshots().filter((s) => s.ready !== true && !s.run.startsWith('2020'));
      if (fresh.length === expected) {
        for (const s of fresh)
          kubectl.run([
            '-n',
            ns,
            'patch',
            'volumesnapshot',
            s.name,
            '--subresource=status',
            '--type=merge',
            '-p',
            JSON.stringify({ status }),
          ]);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const backup = (extra: Record<string, string> = {}) =>
    runScript(BACKUP_SCRIPT, {
      AXONSERVER_URLS: `${axon.url},${axon.url}/`,
      BACKUP_CLAIMS: CLAIMS.join(','),
      BACKUP_NAMESPACE: ns,
      BACKUP_KEEP: '2',
      BACKUP_LABELS: JSON.stringify(LABELS),
      KUBE_API_URL: apiUrl,
      KUBE_TOKEN_FILE: tokenFile,
      KUBE_CA_FILE: caFile,
      GATE_TIMEOUT_SECONDS: '20',
      GATE_INTERVAL_SECONDS: '0.1',
      ...extra,
    });

  it('backs up the control DBs first, snapshots every claim, waits until they are ready, then keeps the newest complete runs', async () => {
    // Two complete runs and a newer one that failed: the failed one does not count towards keep.
    for (const run of ['20200101t020000z', '20200102t020000z']) expect(oldRun(run).status).toBe(0);
    expect(oldRun('20200103t020000z', false).status).toBe(0);
    const [r] = await Promise.all([backup(), snapshotter({ readyToUse: true }, 2)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(axon.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'POST /v1/backup/createControlDbBackup',
      'POST /v1/backup/createControlDbBackup',
    ]);
    const left = snapshots();
    const run = left.find((s) => !s.run.startsWith('2020'))!.run;
    expect(run).toMatch(/^\d{8}t\d{6}z$/);
    expect(left.map((s) => s.name)).toEqual([
      'data-axonserver-1-0-20200102t020000z',
      'data-axonserver-1-0-20200103t020000z',
      `data-axonserver-1-0-${run}`,
      `events-axonserver-1-0-${run}`,
    ]);
    expect(r.stdout).toContain(
      `backup ${run} passed: 2 snapshots ready (run ${run}, restore with: axon-deploy restore --run ${run})`,
    );
    const created = JSON.parse(
      kubectl.run(['-n', ns, 'get', 'volumesnapshot', `events-axonserver-1-0-${run}`, '-o', 'json']).stdout,
    );
    expect(created.metadata.labels).toEqual({
      ...LABELS,
      'axon-deploy.io/backup-run': run,
      'axon-deploy.io/node': 'axonserver-1',
      'axon-deploy.io/volume': 'events',
    });
    expect(created.spec).toEqual({ source: { persistentVolumeClaimName: 'events-axonserver-1-0' } });
  });

  it('fails the run when a snapshot stays in error until the timeout, and deletes nothing', async () => {
    for (const run of ['20200101t020000z', '20200102t020000z']) expect(oldRun(run).status).toBe(0);
    const [r] = await Promise.all([
      backup({ BACKUP_SNAPSHOT_CLASS: 'pd-snapshots', GATE_TIMEOUT_SECONDS: '3' }),
      snapshotter({ readyToUse: false, error: { message: 'quota exceeded' } }, 2),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^backup \d{8}t\d{6}z failed after 3 s: snapshot data-axonserver-1-0-\d{8}t\d{6}z: quota exceeded; snapshot events-axonserver-1-0-\d{8}t\d{6}z: quota exceeded\n$/,
    );
    expect(
      snapshots()
        .filter((s) => s.run.startsWith('2020'))
        .map((s) => s.run),
    ).toEqual(['20200101t020000z', '20200102t020000z']);
  });

  it('retries a failing control-DB backup, and takes no snapshot while it fails', async () => {
    await axon.close();
    axon = await fakeAxonServer({
      'POST /v1/backup/createControlDbBackup': () => ({ status: 500, body: 'disk full' }),
    });
    const r = await backup({ GATE_TIMEOUT_SECONDS: '1' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('waiting: /v1/backup/createControlDbBackup: HTTP 500 disk full');
    expect(r.stderr).toMatch(
      /^backup \d{8}t\d{6}z failed after 1 s: \/v1\/backup\/createControlDbBackup: HTTP 500 disk full\n$/,
    );
    expect(snapshots()).toEqual([]);
  });
});
