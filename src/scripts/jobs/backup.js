// @ts-check
/**
 * axon-deploy backup run (docs/runbooks/backups-and-restore.md): a CronJob backs up the cluster in the
 * order AxonIQ documents (the control DB first, then the replication logs and event store close
 * after it), as consistent copies that need no file copying:
 *
 *   1. POST /v1/backup/createControlDbBackup on every _admin node (Axon Server writes
 *      controldb<millis>.zip into axoniq.axonserver.controldb-backup-location, on the data volume);
 *   2. a CSI VolumeSnapshot of each node's data, log and events claims, all at once, labelled with
 *      the run, node and volume; waits until each is readyToUse;
 *   3. only then deletes the snapshots of runs older than the newest BACKUP_KEEP.
 *
 * Throttling, server errors and snapshot errors are retried until JOB_TIMEOUT_SECONDS; a refused
 * request fails at once. A run that fails deletes nothing, and only complete runs count towards
 * BACKUP_KEEP. The Kubernetes API is called with the pod's service-account token, whose Role allows
 * only VolumeSnapshots in this namespace.
 *
 * Plain Node.js 18+ without dependencies: the Job runs `node /scripts/backup.js` from a ConfigMap
 * in a small image. Environment: BackupJobEnv in src/model/backup-contract.ts (the contract, built
 * by backupJobEnv in src/model/backup.ts); the label keys and the snapshot name pattern come from
 * there too, so the TypeScript constants stay their one home.
 */
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');

/** @type {Readonly<Partial<import('../../model/backup-contract').BackupJobEnv>>} */
const env = process.env;
const SA = '/var/run/secrets/kubernetes.io/serviceaccount';
const timeoutSeconds = Number(env.JOB_TIMEOUT_SECONDS || '900');
const intervalMs = Number(env.JOB_RETRY_SECONDS || '5') * 1000;

/**
 * @typedef {{ status: number, text: string }} Response
 * @typedef {{ method?: string, body?: unknown, headers?: Record<string, string>, caFile?: string }} RequestOptions
 * @typedef {{ readyToUse?: boolean, error?: { message?: string } }} SnapshotStatus
 * @typedef {{ metadata: { name: string, labels: Record<string, string> }, status?: SnapshotStatus }} VolumeSnapshot
 */

// Only finish() ends a run with 0: a run that stops any other way (a request that never
// completes, an unhandled rejection) fails.
process.exitCode = 1;
process.on('unhandledRejection', (err) => finish(1, `failed: ${messageOf(err)}`));

/** Cannot get better by waiting (a refused token, missing rights): fail at once. */
class Fatal extends Error {}

/** @param {unknown} err */
function messageOf(err) {
  return err instanceof Error && err.message ? err.message : String(err);
}

/** The items of a comma-separated list, trimmed, without empty ones. */
function list(/** @type {string | undefined} */ value) {
  return String(value || '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function readFile(/** @type {string} */ file) {
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * The message on stdout (0) or stderr, and in /dev/termination-log (what `kubectl describe` shows).
 * @param {number} code
 * @param {string} message
 * @returns {never}
 */
function finish(code, message) {
  (code === 0 ? console.log : console.error)(message);
  try {
    fs.writeFileSync('/dev/termination-log', message);
  } catch {
    // not in a pod
  }
  process.exit(code);
}

/** A variable the model always sets (BackupJobEnv): without it the run cannot name anything. */
function required(/** @type {keyof import('../../model/backup-contract').BackupJobEnv} */ name) {
  const value = env[name];
  return value ? value : finish(1, `backup failed: ${name} is not set (the model renders it: src/model/backup.ts)`);
}

/**
 * One request with a 10 s timeout, trusting the CA file given: resolves { status, text }; rejects
 * when the server cannot be reached or the answer is cut off.
 * @param {string} url
 * @param {RequestOptions} [options]
 * @returns {Promise<Response>}
 */
function request(url, options) {
  const o = options || {};
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const body =
      o.body === undefined ? undefined : Buffer.from(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
    /** @type {Record<string, string | number>} */
    const headers = { Accept: 'application/json', ...o.headers };
    if (body) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    const req = client.request(
      target,
      {
        method: o.method || 'GET',
        headers,
        ca: o.caFile ? fs.readFileSync(o.caFile) : undefined,
        timeout: 10000,
      },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (/** @type {Buffer} */ c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        // A response cut off half-way is a failure, never a (partial) answer.
        res.on('error', (/** @type {NodeJS.ErrnoException} */ err) =>
          reject(new Error(`lost the answer of ${url} (${err.code || err.message})`)),
        );
        res.on('close', () => {
          if (!res.complete) reject(new Error(`lost the answer of ${url} (connection closed before the end)`));
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (/** @type {NodeJS.ErrnoException} */ err) =>
      reject(new Error(`cannot reach ${url} (${err.code || err.message})`)),
    );
    if (body) req.write(body);
    req.end();
  });
}

/** @returns {unknown} */
function parseJson(/** @type {string} */ what, /** @type {string} */ text) {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what}: not JSON: ${text.trim().slice(0, 100)}`);
  }
}

/**
 * A POST to Axon Server's REST API at `base`, with the token in the AxonIQ-Access-Token header
 * (WebSecurityConfigurer); a refused token (401, 403) is fatal, other failures are retried.
 */
async function axonPost(/** @type {string} */ base, /** @type {string} */ path) {
  const url = base.replace(/\/+$/, '') + path;
  /** @type {Record<string, string>} */
  const headers = {};
  if (env.AXONSERVER_TOKEN_FILE) headers['AxonIQ-Access-Token'] = readFile(env.AXONSERVER_TOKEN_FILE);
  const res = await request(url, { method: 'POST', headers, caFile: env.AXONSERVER_CA_FILE });
  if (res.status === 401 || res.status === 403) {
    throw new Fatal(
      `${path}: HTTP ${res.status} ${res.text.trim().slice(0, 200)}: the token was refused; check the Secret the Job mounts (the system token, with ADMIN rights)`,
    );
  }
  if (res.status < 200 || res.status > 299)
    throw new Error(`${path}: HTTP ${res.status} ${res.text.trim().slice(0, 200)}`);
  return res.text;
}

/**
 * Runs step() until it returns nothing to wait for; finishes with `label` passed or failed.
 * @param {string} label
 * @param {() => Promise<string[]>} step what is still awaited (empty: done)
 * @param {string} passedMessage
 */
async function retry(label, step, passedMessage) {
  const deadline = Date.now() + timeoutSeconds * 1000;
  /** @type {string[]} */
  let waiting;
  for (;;) {
    try {
      waiting = await step();
      if (waiting.length === 0) return finish(0, `${label} passed: ${passedMessage}`);
    } catch (err) {
      if (err instanceof Fatal) return finish(1, `${label} failed: ${err.message}`);
      waiting = [messageOf(err)];
    }
    console.log(`waiting: ${waiting.join('; ')}`);
    if (Date.now() + intervalMs > deadline) {
      return finish(1, `${label} failed after ${timeoutSeconds} s: ${waiting.join('; ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const kubeUrl = String(env.KUBE_API_URL || 'https://kubernetes.default.svc').replace(/\/+$/, '');
const namespace = env.BACKUP_NAMESPACE || readFile(`${SA}/namespace`);
const keep = Number(env.BACKUP_KEEP || '7');
const labels = /** @type {Record<string, string>} */ (parseJson('BACKUP_LABELS', env.BACKUP_LABELS || '{}'));
const runLabel = required('BACKUP_RUN_LABEL');
const nodeLabel = required('BACKUP_NODE_LABEL');
const volumeLabel = required('BACKUP_VOLUME_LABEL');
const snapshotPattern = required('BACKUP_SNAPSHOT_NAME');
const claims = list(env.BACKUP_CLAIMS).map((c) => {
  const [node, volume, claim] = c.split('/');
  return { node, volume, claim };
});
const snapshots = `/apis/snapshot.storage.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/volumesnapshots`;
// The UTC start time, 20261201t020000z: RUN_ID in src/model/restore.ts.
const run = new Date()
  .toISOString()
  .replace(/[-:]/g, '')
  .replace(/\.\d+Z$/, 'z')
  .toLowerCase();

/** The name of a claim's snapshot in this run: snapshotName() of src/model/backup-contract.ts. */
function snapshotOf(/** @type {string} */ claim) {
  return snapshotPattern.replace('{claim}', () => claim).replace('{run}', () => run);
}

/**
 * A call to the Kubernetes API; statuses in `allowed` resolve to undefined.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {number[]} [allowed]
 * @returns {Promise<unknown>}
 */
async function kube(method, path, body, allowed) {
  const res = await request(kubeUrl + path, {
    method,
    body,
    headers: { Authorization: `Bearer ${readFile(env.KUBE_TOKEN_FILE || `${SA}/token`)}` },
    caFile: env.KUBE_CA_FILE || `${SA}/ca.crt`,
  });
  if (allowed && allowed.includes(res.status)) return undefined;
  if (res.status === 401 || res.status === 403) {
    throw new Fatal(
      `${method} ${path}: HTTP ${res.status}: the backup ServiceAccount lacks the right (its Role allows VolumeSnapshots only)`,
    );
  }
  // Throttling and server errors pass: retried. Any other refusal is final.
  if (res.status === 429 || res.status >= 500) {
    throw new Error(`${method} ${path}: HTTP ${res.status} ${res.text.trim().slice(0, 200)}`);
  }
  if (res.status < 200 || res.status > 299) {
    throw new Fatal(`${method} ${path}: HTTP ${res.status} ${res.text.trim().slice(0, 300)}`);
  }
  return parseJson(path, res.text);
}

/** @type {Set<string>} */
const done = new Set();

/** Every step is idempotent: a retry after a failure goes on where it stopped. */
async function step() {
  for (const base of list(env.AXONSERVER_URLS)) {
    if (done.has(`controldb ${base}`)) continue;
    await axonPost(base, '/v1/backup/createControlDbBackup');
    done.add(`controldb ${base}`);
    console.log(`control DB backed up on ${base}`);
  }
  for (const c of claims) {
    const name = snapshotOf(c.claim);
    if (done.has(`snapshot ${name}`)) continue;
    const metadata = { name, labels: { ...labels, [runLabel]: run, [nodeLabel]: c.node, [volumeLabel]: c.volume } };
    /** @type {{ source: { persistentVolumeClaimName: string }, volumeSnapshotClassName?: string }} */
    const spec = { source: { persistentVolumeClaimName: c.claim } };
    if (env.BACKUP_SNAPSHOT_CLASS) spec.volumeSnapshotClassName = env.BACKUP_SNAPSHOT_CLASS;
    // 409: created by an attempt whose answer was lost.
    await kube(
      'POST',
      snapshots,
      { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', metadata, spec },
      [409],
    );
    done.add(`snapshot ${name}`);
    console.log(`snapshot ${name} of ${c.claim} requested`);
  }
  /** @type {string[]} */
  const waiting = [];
  for (const c of claims) {
    const name = snapshotOf(c.claim);
    const status = /** @type {VolumeSnapshot} */ (await kube('GET', `${snapshots}/${name}`)).status || {};
    // The snapshot controller may clear an error and retry: wait, up to the run's timeout.
    if (status.error && status.error.message) waiting.push(`snapshot ${name}: ${status.error.message}`);
    else if (status.readyToUse !== true) waiting.push(`snapshot ${name} is not ready yet`);
  }
  if (waiting.length > 0) return waiting;
  const kept = await prune();
  console.log(`runs kept: ${kept.join(', ')}`);
  return [];
}

/**
 * Keeps the newest BACKUP_KEEP complete runs (every snapshot readyToUse) and whatever is newer;
 * deletes the snapshots of older runs, complete or not. A failed run never displaces a good one.
 */
async function prune() {
  const selector = list(env.BACKUP_SELECTOR).concat([runLabel]).join(',');
  const all = /** @type {{ items: VolumeSnapshot[] }} */ (
    await kube('GET', `${snapshots}?labelSelector=${encodeURIComponent(selector)}`)
  ).items;
  const runOf = (/** @type {VolumeSnapshot} */ s) => s.metadata.labels[runLabel];
  const runs = [...new Set(all.map(runOf))].sort().reverse();
  const complete = runs.filter((r) =>
    all.filter((s) => runOf(s) === r).every((s) => s.status && s.status.readyToUse === true),
  );
  const kept = complete.slice(0, keep);
  const oldest = kept[kept.length - 1];
  for (const s of all.filter((x) => oldest !== undefined && runOf(x) < oldest)) {
    await kube('DELETE', `${snapshots}/${encodeURIComponent(s.metadata.name)}`, undefined, [404]);
    console.log(`deleted ${s.metadata.name} (older than the newest ${keep} complete runs)`);
  }
  return runs.filter((r) => oldest === undefined || r >= oldest);
}

void retry(
  `backup ${run}`,
  step,
  `${claims.length} snapshots ready (run ${run}, restore with: axon-deploy restore --run ${run})`,
);
