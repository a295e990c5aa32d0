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

/**
 * `GET /v1/components/{component}/processors?context=` (EventProcessorRestController; each
 * processor printed by GenericProcessor / StreamingProcessor.printOn, each tracker by
 * StreamingProcessorSegment.printOn). There is no lag or head field: `tokenPosition` is the
 * segment's position (during a replay, the replay's). Axon Framework's `caughtUp` never turns
 * false again within a claim (TrackerStatus.caughtUp), so the controller measures lag itself.
 */
export interface ProcessorJson {
  readonly name: string;
  readonly mode?: string;
  readonly isStreaming?: boolean;
  readonly tokenStoreIdentifier?: string;
  readonly trackers?: readonly {
    readonly clientId?: string;
    readonly segmentId?: number;
    readonly caughtUp?: boolean;
    readonly replaying?: boolean;
    readonly tokenPosition?: number;
    readonly errorState?: string;
    /** The segment is one part of this many (mask + 1). */
    readonly onePartOf?: number;
  }[];
}

/**
 * `GET /v1/public/status?context=` (PublicRestController.status: StatusInfo). `nrOfEvents` is
 * the last event token of the context (EventDispatcher.getNrOfEvents: eventStore.lastEventToken),
 * -1 for an empty store: the head the processors' positions are compared with.
 */
export interface StatusJson {
  readonly nrOfEvents?: number;
}

/** `GET /v1/components/{component}/commands?context=` (CommandRestController: DefaultCommand.printOn). */
export interface ComponentCommandJson {
  readonly name: string;
}

/** `GET /v1/components/{component}/queries?context=` (QueryRestController: DefaultQuery.printOn). */
export interface ComponentQueryJson {
  readonly name: string;
  readonly responseTypes?: readonly string[];
}
