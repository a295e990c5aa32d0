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
 *               has not connected yet: that waits too. A colour that is already live (the
 *               release file GATE_RELEASE_FILE names it) passes at once: no switch happens.
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
 * Built on the shared prelude (src/jobs/prelude.ts).
 */
import { JOB_PRELUDE } from './prelude';

export const GATE_SCRIPT_FILE = 'gate.js';

export const GATE_SCRIPT =
  JOB_PRELUDE +
  String.raw`
// axon-deploy rollout gate (see the axon-deploy README, "Sync waves and gates").
async function checkNode() {
  const node = env.GATE_NODE;
  const groups = list(env.GATE_GROUPS);
  const maxLag = Number(env.GATE_MAX_LAG || '100');
  const waiting = [];
  const me = await axon('/v1/public/me');
  if (!me || me.name !== node) return ['the server at ' + env.AXONSERVER_URL + ' is ' + (me && me.name) + ', not ' + node];
  const known = await axon('/v1/public/replicationgroups');
  for (const name of groups) {
    const group = (Array.isArray(known) ? known : []).find((g) => g && g.name === name);
    if (!group) waiting.push('replication group ' + name + ' is not known to ' + node + ' yet');
    else if (!(group.roles || []).some((r) => r && r.node === node)) waiting.push(node + ' is not yet a member of replication group ' + name);
    else if (!group.leader) waiting.push('replication group ' + name + ' has no leader');
  }
  if (waiting.length > 0) return waiting;
  const raft = await axon('/internal/raft/status', { optional: true });
  if (raft === undefined) {
    console.log('note: ' + env.AXONSERVER_URL + '/internal/raft/status is not there (404): cannot tell how far ' + node + ' is behind; relying on membership and leaders');
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
  // Already live before this sync (the release files switch after this gate): nothing switches,
  // so nothing to wait for — a processor in trouble must not block unrelated changes.
  if (env.GATE_RELEASE_FILE && env.GATE_COLOR) {
    let live = '';
    try { live = readFile(env.GATE_RELEASE_FILE); } catch (err) { /* first sync: no release files yet */ }
    if (live === env.GATE_COLOR) {
      console.log(env.GATE_COLOR + ' is already live: no switch in this sync');
      return [];
    }
  }
  const component = env.GATE_COMPONENT;
  const context = env.GATE_CONTEXT;
  // Side-effect processors share their tokens with the live colour, which holds the claims.
  const ignored = new Set(list(env.GATE_IGNORE_PROCESSORS));
  const all = await axon('/v1/components/' + encodeURIComponent(component) + '/processors?context=' + encodeURIComponent(context));
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
const mode = env.GATE_MODE;
if (!checks[mode]) finish(1, 'unknown GATE_MODE ' + JSON.stringify(mode) + '; modes: ' + Object.keys(checks).join(', '));
else retry('gate ' + mode, checks[mode], env.GATE_DESCRIPTION || env.AXONSERVER_URL);
`;
