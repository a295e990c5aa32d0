/**
 * The rollout gate: a small Node.js program that Argo CD runs as a Job between two sync waves.
 * It asks Axon Server's REST API whether the step before it is really done, retries until a
 * timeout, and exits 0 (the sync goes on) or 1 with what is still missing (the sync fails there).
 *
 * Modes (GATE_MODE):
 *   node        a restarted node is back: it answers (GET /v1/public/me), is a member of each of
 *               its replication groups, each has a leader (GET /v1/public/replicationgroups), and
 *               it has applied its Raft log up to GATE_MAX_LAG entries (GET /internal/raft/status).
 *
 *   processors  a colour is ready to go live: every streaming event processor its component reports
 *               (GET /v1/components/{component}/processors?context=) has all segments claimed,
 *               caught up, not replaying and not in error. No processors at all means the colour
 *               has not connected yet: that waits too.
 *
 * Field names come from Axon Server's sources: PublicRestController and NodeConfiguration (/me),
 * EventProcessorRestController with its JSON classes GenericProcessor, StreamingProcessor and
 * StreamingProcessorSegment (name, isStreaming, warnings[{message}], trackers[{segmentId,
 * caughtUp, replaying, errorState, onePartOf}]), the "Not all segments claimed" warning,
 * the axonserver-cli's ReplicationGroupJSON (name, leader, roles[{node, role}]) and
 * RaftStatusRestController (per group: context, leaderName, commitIndex, lastAppliedIndex).
 * The token goes in the AxonIQ-Access-Token header (WebSecurityConfigurer). Checked against the
 * sources, not against a running 2025 server: the gate treats a missing Raft status endpoint
 * (404) as "lag unknown" and says so, rather than blocking forever.
 *
 * It is plain JavaScript without dependencies (global fetch, Node 18+) so the same text runs in
 * the Job and in this repository's tests against a fake server. Kept as a string so that the
 * rendered ConfigMap is byte-identical however axon-deploy itself is built.
 */
export const GATE_SCRIPT_FILE = 'gate.js';

export const GATE_SCRIPT = String.raw`'use strict';
// axon-deploy rollout gate (see the axon-deploy README, "Sync waves and gates").
const fs = require('fs');
const env = process.env;
const mode = env.GATE_MODE;
const base = String(env.AXONSERVER_URL || '').replace(/\/+$/, '');
const timeoutSeconds = Number(env.GATE_TIMEOUT_SECONDS || '900');
const intervalMs = Number(env.GATE_INTERVAL_SECONDS || '5') * 1000;
const list = (value) => String(value || '').split(',').map((s) => s.trim()).filter((s) => s !== '');

class Fatal extends Error {}

function token() {
  if (!env.GATE_TOKEN_FILE) return undefined;
  return fs.readFileSync(env.GATE_TOKEN_FILE, 'utf8').trim();
}

/** GET a JSON document; undefined for 404 when optional. */
async function get(path, optional) {
  const headers = { Accept: 'application/json' };
  const t = token();
  if (t) headers['AxonIQ-Access-Token'] = t;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10000);
  let res;
  try {
    res = await fetch(base + path, { headers: headers, signal: controller.signal });
  } catch (err) {
    throw new Error('cannot reach ' + base + path + ' (' + ((err && err.cause && err.cause.code) || (err && err.name) || err) + ')');
  } finally {
    clearTimeout(timer);
  }
  const text = await res.text();
  if (res.status === 401 || res.status === 403) {
    throw new Fatal(path + ': HTTP ' + res.status + ' ' + text.trim().slice(0, 200) + ': the token was refused; check the Secret the gate mounts (the system token, with ADMIN rights)');
  }
  if (res.status === 404 && optional) return undefined;
  if (res.status !== 200) throw new Error(path + ': HTTP ' + res.status + ' ' + text.trim().slice(0, 200));
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(path + ': not JSON: ' + text.trim().slice(0, 100));
  }
}

async function checkNode() {
  const node = env.GATE_NODE;
  const groups = list(env.GATE_GROUPS);
  const maxLag = Number(env.GATE_MAX_LAG || '100');
  const waiting = [];
  const me = await get('/v1/public/me');
  if (!me || me.name !== node) return ['the server at ' + base + ' is ' + (me && me.name) + ', not ' + node];
  const known = await get('/v1/public/replicationgroups');
  for (const name of groups) {
    const group = (Array.isArray(known) ? known : []).find((g) => g && g.name === name);
    if (!group) waiting.push('replication group ' + name + ' is not known to ' + node + ' yet');
    else if (!(group.roles || []).some((r) => r && r.node === node)) waiting.push(node + ' is not yet a member of replication group ' + name);
    else if (!group.leader) waiting.push('replication group ' + name + ' has no leader');
  }
  if (waiting.length > 0) return waiting;
  const raft = await get('/internal/raft/status', true);
  if (raft === undefined) {
    console.log('note: ' + base + '/internal/raft/status is not there (404): cannot tell how far ' + node + ' is behind; relying on membership and leaders');
    return [];
  }
  for (const name of groups) {
    const status = (Array.isArray(raft) ? raft : []).find((s) => s && (s.context === name || s.groupId === name || s.replicationGroup === name));
    if (!status) { waiting.push('no Raft status of ' + name + ' on ' + node + ' yet'); continue; }
    if (!status.leaderName) waiting.push('replication group ' + name + ' has no leader (seen from ' + node + ')');
    const behind = Number(status.commitIndex) - Number(status.lastAppliedIndex);
    if (behind > maxLag) waiting.push(node + ' is ' + behind + ' entries behind in ' + name + ' (at most ' + maxLag + ')');
  }
  return waiting;
}

async function checkProcessors() {
  const component = env.GATE_COMPONENT;
  const context = env.GATE_CONTEXT;
  // Side-effect processors share their tokens with the live colour, which holds the claims.
  const ignored = new Set(list(env.GATE_IGNORE_PROCESSORS));
  const all = await get('/v1/components/' + encodeURIComponent(component) + '/processors?context=' + encodeURIComponent(context));
  const processors = (Array.isArray(all) ? all : []).filter((p) => p && !ignored.has(p.name));
  if (processors.length === 0) {
    return [component + ' reports no event processors' + (ignored.size > 0 ? ' besides its side-effect ones' : '') + ' in context ' + context + ' yet (has the colour started and connected? an app without event processors needs no gate: release.gate.enabled: false)'];
  }
  const waiting = [];
  for (const p of processors) {
    if (p.isStreaming === false) continue; // subscribing processors keep no position to catch up
    const trackers = Array.isArray(p.trackers) ? p.trackers : [];
    const segments = (ts) => ts.map((t) => t.segmentId).join(', ');
    const unclaimed = (Array.isArray(p.warnings) ? p.warnings : []).map((w) => w && w.message).find((m) => /not all segments claimed/i.test(String(m)));
    if (trackers.length === 0) { waiting.push(p.name + ': no segment claimed yet'); continue; }
    if (unclaimed) waiting.push(p.name + ': ' + unclaimed);
    const failing = trackers.filter((t) => t.errorState);
    const replaying = trackers.filter((t) => t.replaying);
    const behind = trackers.filter((t) => !t.caughtUp && !t.replaying);
    if (failing.length > 0) waiting.push(p.name + ': in error (segment ' + failing[0].segmentId + ': ' + String(failing[0].errorState).slice(0, 200) + ')');
    if (replaying.length > 0) waiting.push(p.name + ': replaying (segment' + (replaying.length > 1 ? 's ' : ' ') + segments(replaying) + ')');
    if (behind.length > 0) waiting.push(p.name + ': not caught up (segment' + (behind.length > 1 ? 's ' : ' ') + segments(behind) + ')');
  }
  return waiting;
}

const checks = { node: checkNode, processors: checkProcessors };

function finish(code, message) {
  (code === 0 ? console.log : console.error)(message);
  try { fs.writeFileSync('/dev/termination-log', message); } catch (err) { /* not in a pod */ }
  process.exit(code);
}

async function main() {
  const check = checks[mode];
  if (!check) return finish(1, 'unknown GATE_MODE ' + JSON.stringify(mode) + '; modes: ' + Object.keys(checks).join(', '));
  const deadline = Date.now() + timeoutSeconds * 1000;
  let waiting = [];
  for (;;) {
    try {
      waiting = await check();
      if (waiting.length === 0) return finish(0, 'gate ' + mode + ' passed: ' + (env.GATE_DESCRIPTION || base));
    } catch (err) {
      if (err instanceof Fatal) return finish(1, 'gate ' + mode + ' failed: ' + err.message);
      waiting = [err.message];
    }
    console.log('waiting: ' + waiting.join('; '));
    if (Date.now() + intervalMs > deadline) {
      return finish(1, 'gate ' + mode + ' failed after ' + timeoutSeconds + ' s: ' + waiting.join('; '));
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

main();
`;
