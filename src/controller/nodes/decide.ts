/**
 * The node controller's decision, a pure function of one observation: at most one action per
 * pass (let a node start, or restart one), the readiness-gate condition of each pod, and the
 * status the NodeRollout reports. Everything it needs comes from the cluster, so a restarted
 * controller decides exactly as the one before it; on any uncertainty it waits.
 *
 * The rules (Strimzi's rolling of Kafka brokers has the same shape):
 *  1. A clean cluster forms from the bootstrap node alone; the others start one at a time once it
 *     has formed the cluster. Once a cluster has formed, a bootstrap node never starts on a volume
 *     newer than the cluster unless a restore made it (it would form a second cluster).
 *  2. A pod held back after a restart or an eviction starts at once: the node is down anyway.
 *  3. A node that is down on an outdated revision is restarted at once (nothing more is lost).
 *  4. Otherwise the first outdated node, in the spec's order (non-voters first) but leaders of a
 *     group after every other node, is restarted only when every node is ready, in its groups and
 *     caught up with their leaders, every voter of every group the node belongs to (`_admin`
 *     included) is a member and caught up according to the leader, the answer came from an
 *     `_admin` node, and the groups keep their majority of PRIMARY nodes (and their
 *     ACTIVE_BACKUPs) without it. A leader goes last: its restart costs an election, and one
 *     election per group per roll is the least there is.
 *  5. Paused, rules 1–3 still hold (a node that is down starts), rule 4 waits.
 */
import { ADMIN_GROUP, isVoting, quorumOf } from '../../domain/roles';
import { conditions } from '../conditions';
import type { NodeRolloutStatus, NodeSpec, NodeStatus, RolloutCondition } from '../api';
import { behindText, caughtUp, ClusterView, clusterView } from './cluster';
import type { NodeObservation, PodView } from './observed';
import { docRef } from '../../domain/docs';

export type NodeAction =
  | { readonly kind: 'ungate'; readonly node: string; readonly pod: string; readonly reason: string }
  | {
      readonly kind: 'restart';
      readonly node: string;
      readonly pod: string;
      readonly uid?: string;
      readonly reason: string;
    };

/** The readiness-gate condition a pod should have. */
export interface PodCondition {
  readonly pod: string;
  readonly inCluster: boolean;
  readonly message: string;
}

export interface NodeDecision {
  readonly action?: NodeAction;
  readonly conditions: readonly PodCondition[];
  readonly status: NodeRolloutStatus;
  /** An action, or a new reason to wait, as a Kubernetes Event. */
  readonly event?: { readonly type: 'Normal' | 'Warning'; readonly reason: string; readonly message: string };
}

/** What one pass concluded before it became a status: an action, or the reason to wait. */
interface Verdict {
  readonly phase: NodeRolloutStatus['phase'];
  readonly message: string;
  /** Stable across passes while the reason is the same (numbers change, the reason does not). */
  readonly key: string;
  readonly action?: NodeAction;
  readonly warning?: boolean;
}

export function decideNodes(obs: NodeObservation): NodeDecision {
  const view = clusterView(obs);
  const conditions = podConditions(obs, view);
  const verdict = ungate(obs, view) ?? restartDown(obs) ?? paused(obs) ?? roll(obs, view) ?? settled(obs);
  return finish(obs, view, conditions, verdict);
}

// ---------------------------------------------------------------------------------------------
// Facts per node

const podOf = (obs: NodeObservation, node: NodeSpec): PodView | undefined => obs.pods.get(node.pod);

/** A pod to restart: on another revision than its StatefulSet's, or started before a requested restart. */
function outdated(obs: NodeObservation, node: NodeSpec): boolean | undefined {
  const pod = podOf(obs, node);
  const sts = obs.statefulSets.get(node.statefulSet);
  if (!pod || pod.deleting || !sts) return false;
  if (!sts.observed || !sts.updateRevision || !pod.revision) return undefined;
  if (pod.revision !== sts.updateRevision) return true;
  return obs.restartRequestedAt !== undefined && (pod.startedAt ?? 0) < obs.restartRequestedAt;
}

/** In its groups and caught up: what the readiness gate says. */
function inCluster(obs: NodeObservation, view: ClusterView, node: NodeSpec): boolean | undefined {
  const pod = podOf(obs, node);
  if (!pod?.containersReady) return false;
  if (obs.spec.edition === 'standard') return true;
  const standings = node.groups.map((g) => view.standing(node.name, g.name));
  if (standings.some((s) => s.known && !s.member)) return false;
  if (standings.every((s) => caughtUp(s, obs.spec.rollout.maxLagEntries))) return true;
  return undefined;
}

/**
 * The readiness-gate conditions to set. True needs the node in its groups and caught up; False
 * only what is certain (containers not ready, not a member): when Axon Server cannot be asked,
 * the conditions stay as they are rather than turning every node unready at once.
 */
function podConditions(obs: NodeObservation, view: ClusterView): PodCondition[] {
  return obs.spec.nodes.flatMap((node) => {
    const pod = podOf(obs, node);
    if (!pod || pod.deleting || !pod.scheduled) return [];
    const wanted = inCluster(obs, view, node);
    if (wanted === undefined || wanted === pod.inCluster) return [];
    const message = wanted
      ? `${node.name} is in ${node.groups.map((g) => g.name).join(', ') || 'service'} and caught up`
      : pod.containersReady
        ? `${node.name} is not a member of all its replication groups`
        : `${node.name} is not running`;
    return [{ pod: pod.name, inCluster: wanted, message }];
  });
}

/** A node counts as ready for the next restart: running, in its groups, ready long enough. */
function settledNode(obs: NodeObservation, view: ClusterView, node: NodeSpec): string | undefined {
  const pod = podOf(obs, node);
  if (!pod) return `${node.name} has no pod yet`;
  if (pod.deleting) return `${node.name} is stopping`;
  if (pod.gated) return `${node.name} is waiting to start`;
  if (!pod.scheduled) return `${node.name} is not scheduled (Pending)`;
  if (!pod.containersReady) return `${node.name} is starting`;
  // The condition as the pod has it (and the kubelet turned into readiness), not as it is about to be set.
  if (pod.inCluster !== true) return notInCluster(obs, view, node);
  const settle = obs.spec.rollout.settleSeconds * 1000;
  if (pod.readySince === undefined || obs.now - pod.readySince < settle) {
    return `${node.name} became ready less than ${obs.spec.rollout.settleSeconds} s ago`;
  }
  return undefined;
}

/** Why a running node is not in its groups yet, as precisely as the cluster says. */
function notInCluster(obs: NodeObservation, view: ClusterView, node: NodeSpec): string {
  const max = obs.spec.rollout.maxLagEntries;
  for (const { name: group } of node.groups) {
    const standing = view.standing(node.name, group);
    if (standing.known && !caughtUp(standing, max)) return behindText(node.name, group, standing, max);
  }
  return `${node.name} has not rejoined its groups yet`;
}

// ---------------------------------------------------------------------------------------------
// Rules 1 and 2: letting held pods start

function ungate(obs: NodeObservation, view: ClusterView): Verdict | undefined {
  const gated = obs.spec.nodes.filter((n) => podOf(obs, n)?.gated && !podOf(obs, n)?.deleting);
  if (gated.length === 0) return undefined;
  const bootstrap = obs.spec.nodes.find((n) => n.name === obs.spec.bootstrapNode) ?? obs.spec.nodes[0];
  const formed =
    view.formed ||
    obs.previous?.clusterFormed === true ||
    (obs.spec.edition === 'standard' && obs.spec.nodes.some((n) => podOf(obs, n)?.containersReady));
  if (!formed) return formCluster(obs, gated, bootstrap);
  const startable = gated.filter((n) => n !== bootstrap || !emptyBootstrap(obs, n));
  if (startable.length === 0) {
    return {
      phase: 'Waiting',
      key: `empty-bootstrap:${bootstrap.name}`,
      warning: true,
      message: `${bootstrap.name} is the bootstrap node and its data volume is newer than the cluster without coming from a restore: started, it would form a second cluster. Move axonServer.bootstrapNode to another PRIMARY of ${ADMIN_GROUP} (${docRef('recoverNode')}) or restore its volume`,
    };
  }
  const next = startable[0];
  // Until every node has been in the cluster once, nodes join one at a time; afterwards a held pod
  // (a restart, an eviction) starts at once: the node is down anyway.
  if (obs.previous?.installed !== true) {
    const joining = obs.spec.nodes.find((n) => !gated.includes(n) && !podOf(obs, n)?.containersReady);
    if (joining) {
      return {
        phase: 'Installing',
        key: `joining:${joining.name}`,
        message: `waiting for ${joining.name} to join before the next node starts`,
      };
    }
    return {
      phase: 'Installing',
      key: `start:${next.name}`,
      message: `${next.name} starts and joins`,
      action: start(obs, next, `${next.name} joins the cluster`),
    };
  }
  return {
    phase: 'Rolling',
    key: `start:${next.name}`,
    message: `${next.name} starts`,
    action: start(obs, next, `${next.name} may start: it is down anyway`),
  };
}

/** A clean cluster: the bootstrap node starts alone and forms it. */
function formCluster(obs: NodeObservation, gated: readonly NodeSpec[], bootstrap: NodeSpec): Verdict {
  if (gated.includes(bootstrap)) {
    return {
      phase: 'Installing',
      key: `start:${bootstrap.name}`,
      message: `${bootstrap.name} starts first and forms the cluster`,
      action: start(obs, bootstrap, `${bootstrap.name} forms a clean cluster`),
    };
  }
  return {
    phase: 'Installing',
    key: 'forming',
    message: `waiting for ${bootstrap.name} to form the cluster (no ${ADMIN_GROUP} leader yet)`,
  };
}

function start(obs: NodeObservation, node: NodeSpec, reason: string): NodeAction {
  return { kind: 'ungate', node: node.name, pod: podOf(obs, node)?.name ?? node.pod, reason };
}

/** The bootstrap node's data claim is newer than the cluster and no restore made it. */
function emptyBootstrap(obs: NodeObservation, node: NodeSpec): boolean {
  if (obs.spec.edition === 'standard') return false; // a standalone node has no cluster to split
  const claim = obs.claims.get(node.dataClaim);
  const formedAt = obs.previous?.clusterFormedAt ? Date.parse(obs.previous.clusterFormedAt) : undefined;
  if (!claim || formedAt === undefined) return false;
  return claim.createdAt > formedAt && !claim.restored;
}

// ---------------------------------------------------------------------------------------------
// Rules 3 and 4: restarts

function restartDown(obs: NodeObservation): Verdict | undefined {
  const down = obs.spec.nodes.find((n) => outdated(obs, n) === true && !podOf(obs, n)?.containersReady);
  if (!down) return undefined;
  const pod = podOf(obs, down)!;
  const reason = `${down.name} is down on an outdated revision: restarted at once with the new one`;
  return {
    phase: 'Rolling',
    key: `restart:${down.name}`,
    message: reason,
    action: { kind: 'restart', node: down.name, pod: pod.name, uid: pod.uid, reason },
  };
}

function paused(obs: NodeObservation): Verdict | undefined {
  if (!obs.paused) return undefined;
  const pending = obs.spec.nodes.filter((n) => outdated(obs, n) === true).map((n) => n.name);
  return {
    phase: 'Paused',
    key: 'paused',
    message:
      pending.length > 0
        ? `restarts are paused; to restart: ${pending.join(', ')}`
        : 'restarts are paused; every node runs the current revision',
  };
}

/** The next node to restart: the first outdated one in the spec's order, a group's leader last. */
function nextToRestart(obs: NodeObservation, view: ClusterView, states: readonly (boolean | undefined)[]) {
  const outdatedNodes = obs.spec.nodes.filter((_, i) => states[i] === true);
  const leads = (node: NodeSpec) => [...(view.groups?.values() ?? [])].some((g) => g.leader === node.name);
  return outdatedNodes.find((n) => !leads(n)) ?? outdatedNodes[0];
}

function roll(obs: NodeObservation, view: ClusterView): Verdict | undefined {
  const states = obs.spec.nodes.map((n) => outdated(obs, n));
  const unknownAt = states.indexOf(undefined);
  if (unknownAt >= 0 && !states.includes(true)) {
    return {
      phase: 'Waiting',
      key: `revision:${obs.spec.nodes[unknownAt].name}`,
      message: `waiting for the StatefulSet controller to report the revision of ${obs.spec.nodes[unknownAt].name}`,
    };
  }
  const candidate = nextToRestart(obs, view, states);
  if (!candidate) return undefined;
  const hold = holdFor(obs, view, candidate);
  if (hold) return { phase: 'Waiting', key: hold.key, message: `waiting to restart ${candidate.name}: ${hold.text}` };
  const pod = podOf(obs, candidate)!;
  const reason = `${candidate.name} restarts with the new revision: every voter of ${candidate.groups.map((g) => g.name).join(', ') || 'its cluster'} is up and caught up`;
  return {
    phase: 'Rolling',
    key: `restart:${candidate.name}`,
    message: reason,
    action: { kind: 'restart', node: candidate.name, pod: pod.name, uid: pod.uid, reason },
  };
}

/** Why `candidate` may not restart now, if anything holds it. */
function holdFor(
  obs: NodeObservation,
  view: ClusterView,
  candidate: NodeSpec,
): { key: string; text: string } | undefined {
  for (const node of obs.spec.nodes) {
    const why = settledNode(obs, view, node);
    if (why) return { key: `settle:${node.name}`, text: why };
  }
  if (obs.spec.edition === 'standard') return undefined;
  if (!view.groups)
    return {
      key: 'no-view',
      text: `cannot read membership from an ${ADMIN_GROUP} node: ${view.problem ?? 'no answer'}`,
    };
  const max = obs.spec.rollout.maxLagEntries;
  // Every node caught up with its leaders (the one restarted last included, voter or not).
  for (const node of obs.spec.nodes) {
    for (const { name: group } of node.groups) {
      const standing = view.standing(node.name, group);
      if (standing.known && !caughtUp(standing, max)) {
        return { key: `behind:${node.name}:${group}`, text: behindText(node.name, group, standing, max) };
      }
    }
  }
  for (const { name: group } of candidate.groups) {
    const spec = obs.spec.groups.find((g) => g.name === group);
    const voters = (spec?.roles ?? []).filter((r) => isVoting(r.role)).map((r) => r.node);
    for (const voter of voters) {
      const standing = view.standing(voter, group);
      if (!caughtUp(standing, max))
        return { key: `behind:${voter}:${group}`, text: behindText(voter, group, standing, max) };
    }
    const quorum = quorumAfter(obs, group, candidate.name);
    if (quorum) return { key: `quorum:${group}`, text: quorum };
  }
  return undefined;
}

/** Whether `group` keeps its majority of PRIMARY nodes and its ACTIVE_BACKUPs while `node` restarts. */
function quorumAfter(obs: NodeObservation, group: string, node: string): string | undefined {
  const roles = obs.spec.groups.find((g) => g.name === group)?.roles ?? [];
  const { primaries, majority, activeBackups } = quorumOf(roles);
  if (primaries <= 1) return undefined; // a single PRIMARY cannot keep its group up through its own restart
  const left = roles.filter((r) => r.node !== node);
  const up = quorumOf(left);
  if (up.primaries < majority)
    return `${group} would keep ${up.primaries} of ${primaries} PRIMARY nodes, fewer than its majority of ${majority}`;
  const needed = Math.min(obs.spec.rollout.minActiveBackups, activeBackups);
  if (up.activeBackups < needed)
    return `${group} would keep ${up.activeBackups} ACTIVE_BACKUP nodes; writes wait for ${needed}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Nothing to do, and the status

function settled(obs: NodeObservation): Verdict {
  const down = obs.spec.nodes.find((n) => !podOf(obs, n)?.containersReady);
  if (down) return { phase: 'Waiting', key: `down:${down.name}`, message: `${down.name} is not running` };
  return { phase: 'Idle', key: 'idle', message: `every node runs the current revision` };
}

function finish(
  obs: NodeObservation,
  view: ClusterView,
  conditions: readonly PodCondition[],
  verdict: Verdict,
): NodeDecision {
  const previous = obs.previous;
  const sameReason = previous?.waitingFor === verdict.key && previous.waitingSince !== undefined;
  const waitingSince = sameReason ? previous.waitingSince : new Date(obs.now).toISOString();
  const stuck =
    !verdict.action &&
    verdict.phase !== 'Idle' &&
    obs.now - Date.parse(waitingSince) > obs.spec.rollout.stuckAfterSeconds * 1000;
  const phase = stuck ? 'Stuck' : verdict.phase;
  // A standalone node has no cluster to ask about: once it ran, it counts as formed.
  const standaloneRan = obs.spec.edition === 'standard' && obs.spec.nodes.some((n) => podOf(obs, n)?.containersReady);
  const formed = previous?.clusterFormed === true || view.formed || standaloneRan;
  const status: NodeRolloutStatus = {
    observedGeneration: obs.generation,
    phase,
    message: verdict.message,
    waitingFor: verdict.key,
    waitingSince,
    clusterFormed: formed,
    installed:
      previous?.installed === true || (formed && obs.spec.nodes.every((n) => inCluster(obs, view, n) === true)),
    clusterFormedAt: previous?.clusterFormedAt ?? (formed ? new Date(obs.now).toISOString() : undefined),
    nodes: obs.spec.nodes.map((n) => nodeStatus(obs, view, n, conditions)),
    registration: previous?.registration,
    lastRestart:
      verdict.action?.kind === 'restart'
        ? { node: verdict.action.node, at: new Date(obs.now).toISOString(), reason: verdict.action.reason }
        : previous?.lastRestart,
    conditions: rolloutConditions(previous?.conditions ?? [], phase, verdict.message, obs.now),
  };
  const changed = previous?.waitingFor !== verdict.key || previous.phase !== phase;
  const event = verdict.action
    ? {
        type: 'Normal' as const,
        reason: verdict.action.kind === 'restart' ? 'Restart' : 'Start',
        message: verdict.action.reason,
      }
    : changed
      ? {
          type: stuck || verdict.warning ? ('Warning' as const) : ('Normal' as const),
          reason: phase,
          message: verdict.message,
        }
      : undefined;
  return { action: verdict.action, conditions, status, event };
}

function nodeStatus(
  obs: NodeObservation,
  view: ClusterView,
  node: NodeSpec,
  conditions: readonly PodCondition[],
): NodeStatus {
  const pod = podOf(obs, node);
  const lag = Object.fromEntries(
    node.groups.flatMap((g) => {
      const s = view.standing(node.name, g.name);
      return s.known && s.member ? [[g.name, s.lag]] : [];
    }),
  );
  const state: NodeStatus['state'] = !pod
    ? 'Missing'
    : pod.deleting
      ? 'Restarting'
      : pod.gated
        ? 'Waiting to start'
        : !pod.containersReady
          ? pod.scheduled
            ? 'Starting'
            : 'Down'
          : 'Ready';
  const out = outdated(obs, node);
  return {
    name: node.name,
    revision: out === undefined ? 'unknown' : out ? 'pending' : 'current',
    state,
    roles: node.groups.map((g) => `${g.role}@${g.name}`),
    ...(Object.keys(lag).length > 0 ? { lag } : {}),
    inCluster: (conditions.find((c) => c.pod === node.pod)?.inCluster ?? pod?.inCluster) === true,
  };
}

/** Progressing while nodes roll or a guard holds; Degraded when stuck. Transition times kept when unchanged. */
function rolloutConditions(
  previous: readonly RolloutCondition[],
  phase: NodeRolloutStatus['phase'],
  message: string,
  now: number,
): RolloutCondition[] {
  const wanted: [RolloutCondition['type'], boolean, string][] = [
    ['Progressing', phase !== 'Idle', phase],
    ['Degraded', phase === 'Stuck', phase === 'Stuck' ? 'Stuck' : 'AsExpected'],
  ];
  return conditions(previous, wanted, message, now);
}
