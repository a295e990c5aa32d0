/**
 * What the node controller observes in one pass, as plain data: the StatefulSets, pods and data
 * claims of the nodes (from Kubernetes) and the cluster as Axon Server reports it (membership and
 * leaders from an `_admin` node, each node's Raft status, the leaders' health). Built by
 * observe.ts; read by decide.ts, which is pure.
 */
import type { HealthJson, RaftGroupStatusJson, ReplicationGroupJson } from '../../axon/rest';
import type { NodeRolloutSpec, NodeRolloutStatus } from '../api';

export interface StatefulSetView {
  readonly name: string;
  /** The revision a pod recreated now gets (status.updateRevision). */
  readonly updateRevision?: string;
  /** The StatefulSet controller has seen the latest spec (observedGeneration ≥ generation). */
  readonly observed: boolean;
}

export interface PodView {
  readonly name: string;
  readonly uid?: string;
  /** Its `controller-revision-hash` label. */
  readonly revision?: string;
  readonly deleting: boolean;
  /** Still held by the controller's scheduling gate. */
  readonly gated: boolean;
  /** Bound to a node by the scheduler. */
  readonly scheduled: boolean;
  /** Every container ready (the pod's ContainersReady condition). */
  readonly containersReady: boolean;
  /** The controller's readiness-gate condition, when set. */
  readonly inCluster?: boolean;
  /** When the pod became Ready (ms), if it is. */
  readonly readySince?: number;
  /** When the pod started (ms). */
  readonly startedAt?: number;
}

export interface ClaimView {
  readonly name: string;
  readonly createdAt: number;
  /** Created by `axon-deploy restore` from a backup. */
  readonly restored: boolean;
}

/** An answer of Axon Server, or why there is none. */
export type Seen<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

export interface AxonView {
  /** Replication groups with leaders and members, from an `_admin` node (the node that answered). */
  readonly groups: Seen<{ readonly from: string; readonly groups: readonly ReplicationGroupJson[] }>;
  /** Each node's Raft status, by node. */
  readonly raft: ReadonlyMap<string, Seen<readonly RaftGroupStatusJson[]>>;
  /** The health page of each group leader, by node (its follower details). */
  readonly health: ReadonlyMap<string, Seen<HealthJson>>;
}

export interface NodeObservation {
  readonly spec: NodeRolloutSpec;
  readonly generation?: number;
  readonly previous?: NodeRolloutStatus;
  /** The restart annotation (ms), when set. */
  readonly restartRequestedAt?: number;
  /** Restarts of running nodes held (spec.rollout.paused or the pause annotation). */
  readonly paused: boolean;
  readonly statefulSets: ReadonlyMap<string, StatefulSetView>;
  readonly pods: ReadonlyMap<string, PodView>;
  readonly claims: ReadonlyMap<string, ClaimView>;
  /** Absent for a standard edition (a standalone node has no cluster to ask about). */
  readonly axon?: AxonView;
  readonly now: number;
}
