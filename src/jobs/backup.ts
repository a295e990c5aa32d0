/**
 * The backup run: a CronJob that backs up the cluster in the order AxonIQ documents (the control
 * DB first, then the replication logs and event store close after it), as consistent copies that
 * need no file copying:
 *
 *   1. POST /v1/backup/createControlDbBackup on every _admin node (Axon Server writes
 *      controldb<millis>.zip into axoniq.axonserver.controldb-backup-location, on the data volume);
 *   2. a CSI VolumeSnapshot of each node's data, log and events claims, all at once, labelled with
 *      the run (`axon-deploy.io/backup-run`), node and volume; waits until each is readyToUse;
 *   3. only then deletes the snapshots of runs older than the newest BACKUP_KEEP.
 *
 * Throttling, server errors and snapshot errors are retried until BACKUP's timeout; a refused
 * request fails at once. A run that fails deletes nothing, and only complete runs count towards
 * BACKUP_KEEP. The Kubernetes API is called with the pod's service-account token, whose Role allows
 * only VolumeSnapshots in this namespace.
 *
 *   AXONSERVER_URLS       the _admin nodes, comma-separated base URLs
 *   BACKUP_CLAIMS         node/volume/claim, comma-separated
 *   BACKUP_NAMESPACE, BACKUP_KEEP, BACKUP_SNAPSHOT_CLASS (optional), BACKUP_LABELS (JSON)
 *   KUBE_API_URL, KUBE_TOKEN_FILE, KUBE_CA_FILE: in-cluster defaults
 */
import { JOB_PRELUDE } from './prelude';

export const BACKUP_SCRIPT_FILE = 'backup.js';
/** Label of a snapshot's run: the UTC time it started, `20261201t020000z`. */
export const BACKUP_RUN_LABEL = 'axon-deploy.io/backup-run';
export const BACKUP_NODE_LABEL = 'axon-deploy.io/node';
export const BACKUP_VOLUME_LABEL = 'axon-deploy.io/volume';

/** The name of a claim's snapshot in a run. */
export const snapshotName = (claim: string, run: string): string => `${claim}-${run}`;

export const BACKUP_SCRIPT =
  JOB_PRELUDE +
  String.raw`
// axon-deploy backup run (see the axon-deploy README, "Backups and restore").
const SA = '/var/run/secrets/kubernetes.io/serviceaccount';
const kubeUrl = String(env.KUBE_API_URL || 'https://kubernetes.default.svc').replace(/\/+$/, '');
const namespace = env.BACKUP_NAMESPACE || readFile(SA + '/namespace');
const keep = Number(env.BACKUP_KEEP || '7');
const labels = JSON.parse(env.BACKUP_LABELS || '{}');
const claims = list(env.BACKUP_CLAIMS).map((c) => { const [node, volume, claim] = c.split('/'); return { node: node, volume: volume, claim: claim }; });
const snapshots = '/apis/snapshot.storage.k8s.io/v1/namespaces/' + encodeURIComponent(namespace) + '/volumesnapshots';
const run = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'z').toLowerCase();

async function kube(method, path, body, allowed) {
  const res = await request(kubeUrl + path, {
    method: method, body: body,
    headers: { Authorization: 'Bearer ' + readFile(env.KUBE_TOKEN_FILE || SA + '/token') },
    caFile: env.KUBE_CA_FILE || SA + '/ca.crt',
  });
  if (allowed && allowed.includes(res.status)) return undefined;
  if (res.status === 401 || res.status === 403) throw new Fatal(method + ' ' + path + ': HTTP ' + res.status + ': the backup ServiceAccount lacks the right (its Role allows VolumeSnapshots only)');
  // Throttling and server errors pass: retried. Any other refusal is final.
  if (res.status === 429 || res.status >= 500) throw new Error(method + ' ' + path + ': HTTP ' + res.status + ' ' + res.text.trim().slice(0, 200));
  if (res.status < 200 || res.status > 299) throw new Fatal(method + ' ' + path + ': HTTP ' + res.status + ' ' + res.text.trim().slice(0, 300));
  return parseJson(path, res.text);
}

const done = new Set();

/** Every step is idempotent: a retry after a failure goes on where it stopped. */
async function step() {
  for (const base of list(env.AXONSERVER_URLS)) {
    if (done.has('controldb ' + base)) continue;
    await axon('/v1/backup/createControlDbBackup', { method: 'POST', raw: true, base: base });
    done.add('controldb ' + base);
    console.log('control DB backed up on ' + base);
  }
  for (const c of claims) {
    const name = c.claim + '-' + run;
    if (done.has('snapshot ' + name)) continue;
    const metadata = { name: name, labels: Object.assign({}, labels, { '${BACKUP_RUN_LABEL}': run, '${BACKUP_NODE_LABEL}': c.node, '${BACKUP_VOLUME_LABEL}': c.volume }) };
    const spec = { source: { persistentVolumeClaimName: c.claim } };
    if (env.BACKUP_SNAPSHOT_CLASS) spec.volumeSnapshotClassName = env.BACKUP_SNAPSHOT_CLASS;
    // 409: created by an attempt whose answer was lost.
    await kube('POST', snapshots, { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', metadata: metadata, spec: spec }, [409]);
    done.add('snapshot ' + name);
    console.log('snapshot ' + name + ' of ' + c.claim + ' requested');
  }
  const waiting = [];
  for (const c of claims) {
    const name = c.claim + '-' + run;
    const status = (await kube('GET', snapshots + '/' + name)).status || {};
    // The snapshot controller may clear an error and retry: wait, up to the run's timeout.
    if (status.error && status.error.message) waiting.push('snapshot ' + name + ': ' + status.error.message);
    else if (status.readyToUse !== true) waiting.push('snapshot ' + name + ' is not ready yet');
  }
  if (waiting.length > 0) return waiting;
  const kept = await prune();
  console.log('runs kept: ' + kept.join(', '));
  return [];
}

/**
 * Keeps the newest BACKUP_KEEP complete runs (every snapshot readyToUse) and whatever is newer;
 * deletes the snapshots of older runs, complete or not. A failed run never displaces a good one.
 */
async function prune() {
  const selector = Object.keys(labels).filter((k) => k === 'app.kubernetes.io/instance' || k === 'app.kubernetes.io/component').map((k) => k + '=' + labels[k]).concat(['${BACKUP_RUN_LABEL}']).join(',');
  const all = (await kube('GET', snapshots + '?labelSelector=' + encodeURIComponent(selector))).items;
  const runOf = (s) => s.metadata.labels['${BACKUP_RUN_LABEL}'];
  const runs = [...new Set(all.map(runOf))].sort().reverse();
  const complete = runs.filter((r) => all.filter((s) => runOf(s) === r).every((s) => s.status && s.status.readyToUse === true));
  const kept = complete.slice(0, keep);
  const oldest = kept[kept.length - 1];
  for (const s of all.filter((x) => oldest !== undefined && runOf(x) < oldest)) {
    await kube('DELETE', snapshots + '/' + encodeURIComponent(s.metadata.name), undefined, [404]);
    console.log('deleted ' + s.metadata.name + ' (older than the newest ' + keep + ' complete runs)');
  }
  return runs.filter((r) => oldest === undefined || r >= oldest);
}

retry('backup ' + run, step, claims.length + ' snapshots ready (run ' + run + ', restore with: axon-deploy restore --run ' + run + ')');
`;
