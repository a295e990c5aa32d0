/**
 * The JSON Axon Server's REST API answers with, as the controller reads it. Field names from
 * Axon Server's sources (AxonIQ/axon-server-se; the Enterprise parts from the 4.5-era
 * `axonserver-enterprise` module stored with it); everything optional that a version may omit.
 */

/**
 * `GET /v1/public/replicationgroups` (Enterprise, ReplicationGroupRestController.getReplicationGroups:
 * ReplicationGroupJSON with NodeAndRole). Filled by `_admin` log entries, which only `_admin`
 * members apply: asked of an `_admin` node.
 */
export interface ReplicationGroupJson {
  readonly name: string;
  /** raftLeaderProvider.getLeader(name); absent or null without a leader. */
  readonly leader?: string | null;
  readonly roles?: readonly { readonly node: string; readonly role: string }[];
}

/**
 * `GET /internal/raft/status` (Enterprise, RaftStatusRestController.status: one RaftContext.printOn
 * per raft group hosted on the node). Needs ADMIN, or MONITOR since 2023.2 (release notes 2023.2).
 */
export interface RaftGroupStatusJson {
  /** The raft group (replication group) name. */
  readonly context: string;
  readonly leaderName?: string | null;
  readonly isLeader?: boolean;
  readonly commitIndex?: number;
  readonly lastAppliedIndex?: number;
  readonly lastLogIndex?: number;
}

/** `GET /v1/public/me` (PublicRestController.getNodeConfiguration: NodeConfiguration). */
export interface NodeConfigurationJson {
  readonly name: string;
  readonly adminNode?: boolean;
  readonly contextNames?: readonly string[];
}

/**
 * `GET /actuator/health` on the management port: the `raft` component (Enterprise
 * RaftHealthIndicator) has flat detail keys, `<group>.leader` on every node and, on a group's
 * leader only, `<group>.follower.<node>.status` = UP | BEHIND | NO_ACK_RECEIVED (BEHIND: more
 * than 100 entries behind; NO_ACK_RECEIVED: silent for longer than the election timeout).
 * Details are shown to a caller with a token (show-details when-authorized).
 */
export interface HealthJson {
  readonly status?: string;
  readonly components?: {
    readonly raft?: { readonly status?: string; readonly details?: Readonly<Record<string, string>> };
  };
}

/** What a follower's status says on its group leader's health page, if it says anything. */
export function followerStatus(health: HealthJson | undefined, group: string, node: string): string | undefined {
  return health?.components?.raft?.details?.[`${group}.follower.${node}.status`];
}
