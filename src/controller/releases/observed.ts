/**
 * What the release controller observes of one blue/green app in a pass, as plain data: the
 * objects whose fields it owns (the release files, the live Service, the disruption budget), each
 * colour's Deployment, autoscaler and cleanup Job, and what Axon Server says of each colour's
 * component (processors, the head of the event store, command and query subscriptions). Built by
 * observe.ts; read by decide.ts, which is pure.
 */
import type { ProcessorJson } from '../../axon/rest';
import type { AppReleaseSpec, AppReleaseStatus, ReleaseColor } from '../api';
import type { Seen } from '../nodes/observed';

export interface DeploymentView {
  /** spec.replicas. */
  readonly replicas: number;
  readonly readyReplicas: number;
  /** Every pod runs the current template (the Deployment controller has rolled it out). */
  readonly rolledOut: boolean;
}

export interface AutoscalerView {
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

export interface CleanupJobView {
  readonly succeeded: boolean;
  readonly failed: boolean;
}

/** What Axon Server says of one colour's component. */
export interface ComponentView {
  readonly processors: readonly ProcessorJson[];
  readonly commands: readonly string[];
  readonly queries: readonly string[];
}

export interface AxonReleaseView {
  /** The last event token of the context. */
  readonly head: number;
  readonly components: Readonly<Record<ReleaseColor, ComponentView>>;
}

export interface ReleaseObservation {
  readonly spec: AppReleaseSpec;
  readonly generation: number;
  readonly previous?: AppReleaseStatus;
  /** The retry annotation's value, when set. */
  readonly retry?: string;
  /** The release files (absent before the first sync created them). */
  readonly files?: Readonly<Record<string, string>>;
  /** The colour the live Service selects, and the disruption budget. */
  readonly liveSelector?: ReleaseColor;
  readonly budgetSelector?: ReleaseColor;
  /** The colour the preview Service selects (absent: no preview Service). */
  readonly previewSelector?: ReleaseColor;
  readonly deployments: ReadonlyMap<ReleaseColor, DeploymentView>;
  readonly autoscalers: ReadonlyMap<ReleaseColor, AutoscalerView>;
  readonly cleanupJobs: ReadonlyMap<ReleaseColor, CleanupJobView>;
  /** Each colour's database Job, when it exists (a failed one holds the colour: a stale database?). */
  readonly databaseJobs: ReadonlyMap<ReleaseColor, CleanupJobView>;
  readonly axon: Seen<AxonReleaseView>;
  readonly now: number;
}
