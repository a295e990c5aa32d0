/**
 * The cluster as Axon Server reports it, read from one observation: who is a member of which
 * replication group, who leads it, and how far each member is behind its leader. Pure.
 *
 * Lag is measured against the leader (a follower's own commitIndex is at most its last log
 * index, so `commitIndex - lastAppliedIndex` on the follower can look fine while it is far
 * behind): the leader's commitIndex minus the follower's lastLogIndex, and the leader's own health
 * page (follower UP | BEHIND | NO_ACK_RECEIVED) when it shows one.
 */
import { followerStatus } from '../../axon/rest';
import { ADMIN_GROUP } from '../../domain/roles';
import type { NodeObservation } from './observed';

export interface GroupView {
  readonly leader?: string;
  readonly members: ReadonlySet<string>;
}

/** Where a node stands in a group: behind by `lag` entries, or why that is not known. */
export type Standing =
  | { readonly known: true; readonly member: boolean; readonly lag: number; readonly followerStatus?: string }
  | { readonly known: false; readonly problem: string };

export interface ClusterView {
  /** Groups by name, from an `_admin` node; absent when no `_admin` node answered. */
  readonly groups?: ReadonlyMap<string, GroupView>;
  /** Why there is no view of the groups. */
  readonly problem?: string;
  /** A cluster exists: an `_admin` node reports `_admin` with a leader. */
  readonly formed: boolean;
  standing(node: string, group: string): Standing;
}

export function clusterView(obs: NodeObservation): ClusterView {
  const axon = obs.axon;
  if (!axon)
    return { formed: false, problem: 'no cluster view (standard edition)', standing: () => unknown('standalone') };
  const seen = axon.groups;
  let groups: Map<string, GroupView> | undefined;
  let problem: string | undefined;
  if (!seen.ok) problem = seen.problem;
  else if (!obs.spec.nodes.some((n) => n.name === seen.value.from && n.admin)) {
    problem = `${seen.value.from} is not a member of ${ADMIN_GROUP}: its view of the groups is not authoritative`;
  } else {
    groups = new Map(
      seen.value.groups.map((g) => [
        g.name,
        { leader: g.leader ?? undefined, members: new Set((g.roles ?? []).map((r) => r.node)) },
      ]),
    );
  }
  const formed = groups?.get(ADMIN_GROUP)?.leader !== undefined;
  const standing = (node: string, group: string): Standing => {
    if (!groups) return unknown(problem ?? 'no view of the groups');
    const g = groups.get(group);
    if (!g) return unknown(`${ADMIN_GROUP} reports no replication group ${group}`);
    if (!g.members.has(node)) return { known: true, member: false, lag: Number.POSITIVE_INFINITY };
    if (!g.leader) return unknown(`replication group ${group} has no leader`);
    const leaderRaft = groupStatus(obs, g.leader, group);
    const own = groupStatus(obs, node, group);
    if (!leaderRaft.ok) return unknown(leaderRaft.problem);
    if (!own.ok) return unknown(own.problem);
    const commit = leaderRaft.value.commitIndex;
    const last = own.value.lastLogIndex;
    if (commit === undefined || last === undefined) return unknown(`no log indexes for ${group} from ${node}`);
    const health = axon.health.get(g.leader);
    const status = node === g.leader || !health?.ok ? undefined : followerStatus(health.value, group, node);
    return {
      known: true,
      member: true,
      lag: node === g.leader ? 0 : Math.max(0, commit - last),
      followerStatus: status,
    };
  };
  return { groups, problem, formed, standing };
}

const unknown = (problem: string): Standing => ({ known: false, problem });

/** A node's Raft status for one group. */
function groupStatus(obs: NodeObservation, node: string, group: string) {
  const raft = obs.axon?.raft.get(node);
  if (!raft) return { ok: false as const, problem: `no Raft status of ${node}` };
  if (!raft.ok) return { ok: false as const, problem: raft.problem };
  const status = raft.value.find((s) => s.context === group);
  return status
    ? { ok: true as const, value: status }
    : { ok: false as const, problem: `${node} reports no Raft status for ${group}` };
}

/** Caught up according to the leader: within `maxLag` entries, and not BEHIND or silent on its health page. */
export function caughtUp(s: Standing, maxLag: number): boolean {
  return s.known && s.member && s.lag <= maxLag && (s.followerStatus === undefined || s.followerStatus === 'UP');
}

/** Why a standing is not caught up, in words. */
export function behindText(node: string, group: string, s: Standing, maxLag: number): string {
  if (!s.known) return s.problem;
  if (!s.member) return `${node} is not a member of ${group}`;
  if (s.lag > maxLag) return `${node} is ${s.lag} entries behind the leader of ${group} (at most ${maxLag})`;
  return `the leader of ${group} reports ${node} ${s.followerStatus ?? 'not caught up'}`;
}
