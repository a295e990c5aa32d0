/**
 * The rollout controller's API, defined once: the custom resources synth renders and the
 * controller reads (spec) and writes (status). `NodeRollout` (one per environment, named
 * `axonserver`) says how the Axon Server nodes roll; the controller reports in its status.
 * Group axon-deploy.io, version v1alpha1; the CRDs are in crds.ts.
 */
import type { Role } from '../domain/roles';

export const API_GROUP = 'axon-deploy.io';
export const API_VERSION = 'v1alpha1';
export const API = `${API_GROUP}/${API_VERSION}`;
export const NODE_ROLLOUT_KIND = 'NodeRollout';
/** The name of an environment's NodeRollout. */
export const NODE_ROLLOUT_NAME = 'axonserver';

/** The scheduling gate on every node pod: the controller removes it when the node may start. */
export const START_GATE = 'axon-deploy.io/start';
/** The readiness gate of every node pod: True while the node is in its groups and caught up. */
export const IN_CLUSTER_CONDITION = 'axon-deploy.io/in-cluster';
/** On the NodeRollout: restart every node that started before this time (RFC 3339), one at a time. */
export const RESTART_ANNOTATION = 'axon-deploy.io/restart-requested-at';
/** On the NodeRollout, `"true"`: hold every restart of a running node (as spec.rollout.paused). */
export const PAUSE_ANNOTATION = 'axon-deploy.io/paused';

/** What the controller reads of its objects' metadata. */
export interface ResourceMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly generation?: number;
  readonly uid?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

export interface NodeSpec {
  readonly name: string;
  /** Its StatefulSet (singleton) and pod. */
  readonly statefulSet: string;
  readonly pod: string;
  /** The claim of its data volume (for the bootstrap guard). */
  readonly dataClaim: string;
  /** Member of `_admin`: holds the admin view (membership, leaders). */
  readonly admin: boolean;
  /** PRIMARY or ACTIVE_BACKUP somewhere. */
  readonly voter: boolean;
  readonly groups: readonly { readonly name: string; readonly role: Role }[];
}

/**
 * What the controller registers (POST /v1/applications: ApplicationJSON {name, description,
 * token, roles[{context, roles[]}]}; POST /v1/users: {userName, password, roles["ROLE@context"]}),
 * again whenever a Secret's value or the roles change. Tokens and passwords are read from Secrets
 * at registration time and never written anywhere else.
 */
export interface RegistrationSpec {
  readonly apps: readonly {
    readonly name: string;
    readonly roles: readonly { readonly context: string; readonly roles: readonly string[] }[];
    readonly token: SecretKeyRef;
  }[];
  readonly users: readonly {
    readonly userName: string;
    readonly roles: readonly string[];
    readonly password: SecretKeyRef;
  }[];
}

export interface NodeRolloutSpec {
  readonly edition: 'standard' | 'enterprise';
  /** Forms a clean cluster (the cluster template's `first`). */
  readonly bootstrapNode: string;
  /** In the order the controller restarts them. */
  readonly nodes: readonly NodeSpec[];
  readonly groups: readonly {
    readonly name: string;
    readonly roles: readonly { readonly node: string; readonly role: Role }[];
  }[];
  readonly axonServer: {
    /** https when 8024 has TLS. */
    readonly scheme: 'http' | 'https';
    /** `<namespace>.svc.cluster.local`: a node is `<node>.<domain>`. */
    readonly domain: string;
    readonly httpPort: number;
    readonly managementPort: number;
    /** The system token (admin reads: membership, Raft status) when access control is on. */
    readonly systemToken?: SecretKeyRef;
    /** The CA of 8024 when it has TLS. */
    readonly ca?: { readonly kind: 'ConfigMap' | 'Secret'; readonly name: string; readonly key: string };
  };
  /** Apps and users the controller registers with Axon Server (Enterprise, access control on). */
  readonly registration?: RegistrationSpec;
  readonly rollout: {
    /** Raft log entries a node may be behind its group's leader and count as caught up. */
    readonly maxLagEntries: number;
    /** Seconds a restarted node must be ready and caught up before the next restart. */
    readonly settleSeconds: number;
    /** Seconds of waiting for the same reason after which the roll counts as stuck (Degraded). */
    readonly stuckAfterSeconds: number;
    /** Writes wait for this many ACTIVE_BACKUP nodes of a group that has any (Axon Server's default 1). */
    readonly minActiveBackups: number;
    /** Hold every restart of a running node; nodes that are down still start. */
    readonly paused: boolean;
  };
}

/** What the controller says about one node. */
export interface NodeStatus {
  readonly name: string;
  /** `current`: on the StatefulSet's update revision; `pending`: to be restarted. */
  readonly revision: 'current' | 'pending' | 'unknown';
  readonly state: 'Ready' | 'Starting' | 'Down' | 'Waiting to start' | 'Restarting' | 'Missing';
  readonly roles: readonly string[];
  /** Entries behind the leader, per group (when known). */
  readonly lag?: Readonly<Record<string, number>>;
  readonly inCluster: boolean;
}

export interface RolloutCondition {
  readonly type: 'Progressing' | 'Degraded';
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

export interface NodeRolloutStatus {
  readonly observedGeneration?: number;
  /**
   * Idle: nothing to do; Installing: a clean cluster forming; Rolling: restarting; Waiting: a
   * guard holds; Paused: restarts held on request; Stuck: waiting too long.
   */
  readonly phase: 'Idle' | 'Installing' | 'Rolling' | 'Waiting' | 'Paused' | 'Stuck';
  readonly message: string;
  /** The reason of the current phase, stable while it holds (e.g. `behind:axonserver-2:orders`). */
  readonly waitingFor?: string;
  /** When that reason started to hold (for Stuck). */
  readonly waitingSince?: string;
  /** Once a cluster formed, an empty bootstrap node must never start alone. */
  readonly clusterFormed?: boolean;
  readonly clusterFormedAt?: string;
  /** Every node has been in the cluster once: from then on held pods start at once. */
  readonly installed?: boolean;
  readonly nodes: readonly NodeStatus[];
  readonly lastRestart?: { readonly node: string; readonly at: string; readonly reason: string };
  /** What the controller last registered: a keyed digest of names, roles and Secret values, never the values. */
  readonly registration?: { readonly digest: string; readonly at: string; readonly problem?: string };
  readonly conditions: readonly RolloutCondition[];
}

export interface NodeRollout {
  readonly apiVersion: typeof API;
  readonly kind: typeof NODE_ROLLOUT_KIND;
  readonly metadata: ResourceMetadata;
  readonly spec: NodeRolloutSpec;
  readonly status?: NodeRolloutStatus;
}

// ---------------------------------------------------------------------------------------------
// AppRelease: one per blue/green app, named after the app

export const APP_RELEASE_KIND = 'AppRelease';

/** On an AppRelease: retry a promotion that failed (any new value). */
export const RETRY_ANNOTATION = 'axon-deploy.io/retry';

/** The phases a colour can be in (domain/phases.ts; repeated here so the controller bundle stays small). */
export type ReleasePhase = 'SCHEDULED' | 'INITIALISING' | 'SERVING' | 'STANDING_BY' | 'CLEANING_UP' | 'OBSOLETE';
export type ReleaseColor = 'blue' | 'green';

/** How many pods a colour runs in a phase: a fixed count, or an autoscaler's bounds. */
export interface ColorScale {
  readonly replicas: number;
  /** With an autoscaler: its maxReplicas in that phase (replicas is then its minReplicas). */
  readonly maxReplicas?: number;
}

export interface ReleaseColorSpec {
  readonly version: string;
  /** The phase declared in Git. */
  readonly phase: ReleasePhase;
  /** Its Deployment (`<app>-<colour>`), when it runs. */
  readonly deployment: string;
  /** Its component name in Axon Server (AXON_AXONSERVER_COMPONENT_NAME). */
  readonly component: string;
  /** Its HorizontalPodAutoscaler, with autoscaling. */
  readonly autoscaler?: string;
  /** Its scale in each running phase. */
  readonly scale: { readonly SERVING: ColorScale; readonly INITIALISING: ColorScale; readonly STANDING_BY: ColorScale };
  /** Its read-model database, when it has one. */
  readonly database?: string;
  /** The Job that creates its database before a release (it refuses one that holds an older release). */
  readonly databaseJob?: string;
  /** The Job that cleans it up after a walk to CLEANING_UP (autoPromote): its name and spec. */
  readonly cleanupJob?: { readonly name: string; readonly spec: Readonly<Record<string, unknown>> };
}

export interface AppReleaseSpec {
  readonly app: string;
  /** The Axon Server context the app connects to. */
  readonly context: string;
  readonly colors: { readonly blue: ReleaseColorSpec; readonly green: ReleaseColorSpec };
  /** The objects whose fields the controller owns (Argo CD ignores those fields). */
  readonly objects: {
    readonly liveService: string;
    readonly podDisruptionBudget: string;
    readonly releaseConfigMap: string;
    /** Selects the colour that runs but does not serve. */
    readonly previewService?: string;
  };
  readonly promotion: {
    /** Check the colour's streaming processors before it serves. */
    readonly processors: boolean;
    /** Events a processor may be behind the head of the event store and count as caught up. */
    readonly maxLagEvents: number;
    /** Processing groups left out of the check (the side-effect groups: they run only where live). */
    readonly ignoredProcessors: readonly string[];
    /** Seconds a declared switch may wait for its guards and hand-over before it fails. */
    readonly timeoutSeconds: number;
    /** Commands and queries the new version no longer handles (the hand-over does not wait for them). */
    readonly droppedHandlers: readonly string[];
  };
  /** Walk the release without further commits: promote when ready, clean the old colour up after standBySeconds. */
  readonly autoPromote?: { readonly standBySeconds: number };
  /** Where the controller asks Axon Server (the nodes that serve the context's clients). */
  readonly axonServer: {
    readonly scheme: 'http' | 'https';
    readonly domain: string;
    readonly httpPort: number;
    readonly nodes: readonly string[];
    /** Its own token (USE_CONTEXT on the context), with access control. */
    readonly token?: SecretKeyRef;
    readonly ca?: { readonly kind: 'ConfigMap' | 'Secret'; readonly name: string; readonly key: string };
  };
}

/** One streaming processor of a colour, as Axon Server reports it. */
export interface ProcessorStatus {
  readonly name: string;
  /** Events behind the head of the event store (its lowest segment), when known. */
  readonly lag?: number;
  /** Why it does not count as caught up, if it does not. */
  readonly behind?: string;
}

export interface ColorStatus {
  readonly version: string;
  readonly declaredPhase: ReleasePhase;
  /** The phase the colour acts on (what its release files say). */
  readonly effectivePhase: ReleasePhase;
  readonly readyReplicas: number;
  readonly processors?: readonly ProcessorStatus[];
  /** Command and query names it has subscribed in Axon Server. */
  readonly commands?: number;
  readonly queries?: number;
  /** Its processors are caught up and its pods ready: it could serve now. */
  readonly readyToServe: boolean;
}

export interface AppReleaseStatus {
  readonly observedGeneration?: number;
  /**
   * Idle: effective is declared; Waiting: a guard holds the switch; Switching: a hand-over runs;
   * CleaningUp: a walked-out colour is cleaned; Failed: a promotion could not complete (stays so
   * until the spec changes or a retry is requested).
   */
  readonly phase: 'Idle' | 'Waiting' | 'Switching' | 'CleaningUp' | 'Failed';
  readonly message: string;
  /** The colour the live Service selects. */
  readonly serving?: ReleaseColor;
  readonly colors: { readonly blue?: ColorStatus; readonly green?: ColorStatus };
  /** A switch in progress or the last one. */
  readonly switch?: {
    readonly from?: ReleaseColor;
    readonly to: ReleaseColor;
    readonly startedAt: string;
    /** waiting: guards; subscribing: the new colour is told it serves; moved: traffic moved, the old colour unsubscribes. */
    readonly step: 'waiting' | 'subscribing' | 'moved' | 'done';
    readonly completedAt?: string;
    /** The phase the new colour had before it was told it serves (a failed hand-over returns it there). */
    readonly revertTo?: ReleasePhase;
  };
  /** A failed promotion: for which spec generation and why (it never completes later by itself). */
  readonly failed?: {
    readonly generation: number;
    readonly to: ReleaseColor;
    readonly reason: string;
    readonly retry?: string;
  };
  readonly waitingFor?: string;
  readonly waitingSince?: string;
  readonly conditions: readonly RolloutCondition[];
}

export interface AppRelease {
  readonly apiVersion: typeof API;
  readonly kind: typeof APP_RELEASE_KIND;
  readonly metadata: ResourceMetadata;
  readonly spec: AppReleaseSpec;
  readonly status?: AppReleaseStatus;
}
