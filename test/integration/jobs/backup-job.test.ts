/**
 * The backup run's contract: src/scripts/jobs/backup.js, run as the CronJob runs it, with the
 * environment the model renders for the CronJob's container (BackupJobEnv), against a fake Axon
 * Server on loopback and a real kube-apiserver (the envtest binaries, with the CSI snapshot CRDs
 * installed). Only what cannot exist in a test is replaced: the nodes' URLs, the mounted token,
 * the pod's service-account files, and the timeouts (a run may take an hour).
 *
 * Control-DB backups on every _admin node first, then one VolumeSnapshot per claim with the run's
 * labels, waiting until each is readyToUse (no snapshot controller runs here: the test marks them
 * ready, as the CSI driver would), then deleting the runs beyond the newest `keep`. A failed
 * snapshot fails the run and deletes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BACKUP_NODE_LABEL,
  BACKUP_RUN_LABEL,
  BACKUP_VOLUME_LABEL,
  snapshotName,
} from '../../../src/model/backup-contract';
import type { BackupJobEnv } from '../../../src/model/backup-contract';
import { RUN_ID } from '../../../src/model/restore';
import { synthesizeEnvironment } from '../../../src/synth/render';
import { Kubectl } from '../../../src/validate/api-server';
import { enterprise, environment, validModel } from '../../support/builders';
import { defined, find, ROOT, tempDir, testApiServer } from '../../support/helpers';
import { asKind, jsonListItems, jsonObject, parseJson, parseYaml, volumeOf } from '../../support/manifests';
import { fakeAxonServer, FakeServer, runScript } from '../../support/fake-axon-server';

const server = testApiServer('the backup run (test/integration/jobs/backup-job.test.ts)');
const withServer = server ? describe : describe.skip;
jest.setTimeout(60_000);

const SYSTEM_TOKEN = 'the-system-token';
type Env = Record<keyof BackupJobEnv, string | undefined>;
/** What the test reads of the kubeconfig global-setup writes. */
interface Kubeconfig {
  clusters: { cluster: { server: string } }[];
  users: { user: { token: string } }[];
}

/**
 * What the model renders for the backup CronJob of a three-node cluster with access control in
 * `namespace`, keeping 2 runs of the data and events claims: its container's env and script.
 */
function rendered(namespace: string, volumeSnapshotClass?: string): { env: Env; script: string } {
  const model = validModel(
    environment(
      enterprise(
        { 'axonserver-1': 'PRIMARY', 'axonserver-2': 'PRIMARY', 'axonserver-3': 'PRIMARY' },
        {
          backup: { enabled: true, keep: 2, volumes: ['data', 'events'], volumeSnapshotClass },
          accessControl: {
            enabled: true,
            systemTokenSecret: 'axonserver-system-token',
            internalTokenSecret: 'axonserver-internal-token',
          },
        },
      ),
      [],
      { namespace },
    ),
  );
  const objects = synthesizeEnvironment(model);
  const pod = find(objects, 'CronJob', 'axonserver-backup').spec.jobTemplate.spec.template.spec;
  const container = pod.containers[0];
  const configMap = defined(defined(volumeOf(pod, 'script').configMap).name);
  return {
    env: Object.fromEntries(defined(container.env).map((e) => [e.name, e.value])) as Env,
    script: defined(find(objects, 'ConfigMap', configMap).data?.[path.basename(defined(container.args)[0])]),
  };
}

/** The rendered env with `replaced` swapped in: each one a variable the model renders. */
function replacing(env: Env, replaced: Partial<Env>): Env {
  for (const name of Object.keys(replaced))
    if (env[name as keyof Env] === undefined) throw new Error(`${name} is not rendered`);
  return { ...env, ...replaced };
}

withServer('the backup run', () => {
  // Set up in beforeAll: the body of a skipped describe runs too, without a server.
  let kubectl: Kubectl;
  let apiUrl: string;
  let kubeTokenFile: string;
  let axonTokenFile: string;
  let caFile: string;
  beforeAll(() => {
    kubectl = new Kubectl(server!.kubectl, server!.kubeconfig);
    const config = parseYaml<Kubeconfig>(fs.readFileSync(server!.kubeconfig, 'utf8'));
    apiUrl = config.clusters[0].cluster.server;
    kubeTokenFile = path.join(tempDir(), 'token');
    fs.writeFileSync(kubeTokenFile, config.users[0].user.token);
    axonTokenFile = path.join(tempDir(), 'token');
    fs.writeFileSync(axonTokenFile, `${SYSTEM_TOKEN}\n`);
    // kube-apiserver's self-signed serving certificate, from its --cert-dir.
    caFile = path.join(path.dirname(server!.kubeconfig), 'certs', 'apiserver.crt');
  });
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
    return jsonListItems(r.stdout)
      .map((o) => asKind(o, 'VolumeSnapshot'))
      .map((s) => ({
        name: s.metadata.name,
        run: defined(s.metadata.labels)[BACKUP_RUN_LABEL],
        ready: s.status?.readyToUse,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  };
  const claimsOf = (env: Env) => env.BACKUP_CLAIMS!.split(',').map((c) => c.split('/')[2]);
  /** A snapshot of an earlier run with the labels the model gives the run's, complete (readyToUse) or not. */
  const oldRun = (run: string, ready = true) => {
    const name = snapshotName('data-axonserver-1-0', run);
    const labels = parseJson<Record<string, string>>(rendered(ns).env.BACKUP_LABELS!);
    const created = kubectl.run(
      ['-n', ns, 'apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshot',
        metadata: { name, labels: { ...labels, [BACKUP_RUN_LABEL]: run } },
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
  /** Runs the script of the ConfigMap (checked to be src/scripts/jobs/backup.js) with the rendered env. */
  const backup = (env: Env, script: string, timeoutSeconds: string) => {
    expect(script).toBe(fs.readFileSync(path.join(ROOT, 'src/scripts/jobs/backup.js'), 'utf8'));
    return runScript(script, {
      ...(replacing(env, {
        // The fake server for every node: one URL each (ending in 0, 1, 2 slashes, which the script drops).
        AXONSERVER_URLS: env
          .AXONSERVER_URLS!.split(',')
          .map((_, i) => axon.url + '/'.repeat(i))
          .join(','),
        AXONSERVER_TOKEN_FILE: axonTokenFile,
        JOB_TIMEOUT_SECONDS: timeoutSeconds,
      }) as Record<string, string>),
      // In the pod: the API server at kubernetes.default.svc and the service-account files.
      KUBE_API_URL: apiUrl,
      KUBE_TOKEN_FILE: kubeTokenFile,
      KUBE_CA_FILE: caFile,
      JOB_RETRY_SECONDS: '0.1',
    });
  };

  it('backs up the control DBs first, snapshots every claim, waits until they are ready, then keeps the newest complete runs', async () => {
    const { env, script } = rendered(ns);
    const claims = claimsOf(env);
    expect(claims).toHaveLength(6);
    // Two complete runs and a newer one that failed: the failed one does not count towards keep.
    for (const run of ['20200101t020000z', '20200102t020000z']) expect(oldRun(run).status).toBe(0);
    expect(oldRun('20200103t020000z', false).status).toBe(0);
    const [r] = await Promise.all([backup(env, script, '20'), snapshotter({ readyToUse: true }, claims.length)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(axon.requests.map((q) => `${q.method} ${q.path}`)).toEqual(
      Array(3).fill('POST /v1/backup/createControlDbBackup'),
    );
    expect(axon.tokens).toEqual(Array(3).fill(SYSTEM_TOKEN));
    const left = snapshots();
    const run = left.find((s) => !s.run.startsWith('2020'))!.run;
    expect(run).toMatch(RUN_ID);
    expect(left.map((s) => s.name)).toEqual(
      [
        snapshotName('data-axonserver-1-0', '20200102t020000z'),
        snapshotName('data-axonserver-1-0', '20200103t020000z'),
        ...claims.map((c) => snapshotName(c, run)),
      ].sort(),
    );
    expect(r.stdout).toContain(
      `backup ${run} passed: 6 snapshots ready (run ${run}, restore with: axon-deploy restore --run ${run})`,
    );
    const created = jsonObject(
      kubectl.run(['-n', ns, 'get', 'volumesnapshot', snapshotName('events-axonserver-2-0', run), '-o', 'json']).stdout,
      'VolumeSnapshot',
    );
    expect(created.metadata.labels).toEqual({
      ...parseJson<Record<string, string>>(env.BACKUP_LABELS!),
      [BACKUP_RUN_LABEL]: run,
      [BACKUP_NODE_LABEL]: 'axonserver-2',
      [BACKUP_VOLUME_LABEL]: 'events',
    });
    expect(created.spec).toEqual({ source: { persistentVolumeClaimName: 'events-axonserver-2-0' } });
  });

  it('fails the run when a snapshot stays in error until the timeout, and deletes nothing', async () => {
    const { env, script } = rendered(ns, 'pd-snapshots');
    const claims = claimsOf(env);
    for (const run of ['20200101t020000z', '20200102t020000z']) expect(oldRun(run).status).toBe(0);
    const [r] = await Promise.all([
      backup(env, script, '3'),
      snapshotter({ readyToUse: false, error: { message: 'quota exceeded' } }, claims.length),
    ]);
    expect(r.code).toBe(1);
    const run = /^backup (\d{8}t\d{6}z) failed/.exec(r.stderr)?.[1] ?? 'none';
    expect(r.stderr).toBe(
      `backup ${run} failed after 3 s: ${claims.map((c) => `snapshot ${snapshotName(c, run)}: quota exceeded`).join('; ')}\n`,
    );
    const created = jsonObject(
      kubectl.run(['-n', ns, 'get', 'volumesnapshot', snapshotName('data-axonserver-1-0', run), '-o', 'json']).stdout,
      'VolumeSnapshot',
    );
    expect(created.spec.volumeSnapshotClassName).toBe('pd-snapshots');
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
    const { env, script } = rendered(ns);
    const r = await backup(env, script, '1');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('waiting: /v1/backup/createControlDbBackup: HTTP 500 disk full');
    expect(r.stderr).toMatch(
      /^backup \d{8}t\d{6}z failed after 1 s: \/v1\/backup\/createControlDbBackup: HTTP 500 disk full\n$/,
    );
    expect(snapshots()).toEqual([]);
  });
});
