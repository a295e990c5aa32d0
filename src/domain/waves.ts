/**
 * The order in which objects change: Argo CD sync waves, decided here and nowhere else.
 *
 * An environment is two Argo CD Applications (see model/argocd.ts), each with its own waves.
 * Argo CD applies one wave at a time and waits until every object of the wave is healthy (a Job:
 * complete) before the next — except in the last wave of a sync, after which it waits for
 * nothing: a sync never hangs on what its last wave holds.
 *
 * The Axon Server Application:
 *   - configuration, policies and RBAC (0), then the Services (1);
 *   - last, the rollout controller, the NodeRollout, every node's StatefulSet and the backup
 *     CronJob (10). The
 *     StatefulSets use `updateStrategy: OnDelete`: applying them restarts nothing; the rollout
 *     controller restarts one node at a time when the cluster can afford it (src/controller/).
 *     In the last wave, a node that does not come back, or a failed backup, never holds a sync
 *     open: a revert is applied at once. No hooks run in this Application.
 *
 * The apps Application:
 *   - the read-model database of a colour that starts a release created (when missing) before
 *     any Deployment;
 *   - the Deployments, Services, budgets and release files; last the AppReleases. Which colour
 *     serves is the rollout controller's to decide (src/controller/releases/): it switches the
 *     live Service when the colour is caught up and has the pods, whoever applied what.
 */
import type { Phase } from './phases';

export const WAVE = {
  /** StorageClasses, ConfigMaps, NetworkPolicies, PodDisruptionBudgets, RBAC. */
  config: 0,
  /** Services of Axon Server (per-node headless Services, client and UI Services). */
  services: 1,
  /**
   * The rollout controller, the NodeRollout, the nodes and the backup CronJob: the last wave,
   * which Argo CD never waits on (the NodeRollout is Progressing while nodes roll; a CronJob whose
   * last run failed is Degraded).
   */
  nodes: 10,
  /** Jobs that create the running colours' databases when missing (Sync hooks). */
  databases: 90,
  /** Deployments of SERVING colours and of rolling apps. */
  serving: 100,
  /** Live Services and the release files as they start (the rollout controller switches them afterwards). */
  liveService: 102,
  /** INITIALISING and STANDING_BY colours and preview Services. */
  notServing: 103,
  /** The AppReleases: the last wave, which Argo CD never waits on (an AppRelease is Progressing while a colour catches up). */
  release: 104,
} as const;

/** Wave of an app Deployment in the given phase. */
export function deploymentWave(phase: Phase): number {
  return phase === 'SERVING' ? WAVE.serving : WAVE.notServing;
}

/** One row of the release order, as documented in docs/concepts/architecture.md. */
export interface ReleaseStep {
  readonly wave: number;
  readonly objects: string;
}

/** What a sync applies for a release, in order; the switch itself is the rollout controller's. */
export const RELEASE_ORDER: readonly ReleaseStep[] = [
  {
    wave: WAVE.databases,
    objects:
      'the database of a colour that starts a release (INITIALISING) created when missing; refused when it holds an older release',
  },
  { wave: WAVE.serving, objects: 'Deployments of SERVING colours and rolling Deployments' },
  {
    wave: WAVE.liveService,
    objects: 'live Service, disruption budget and release files as they start (the controller owns them afterwards)',
  },
  { wave: WAVE.notServing, objects: 'Deployments of INITIALISING and STANDING_BY colours, preview Service' },
  {
    wave: WAVE.release,
    objects:
      'the AppRelease: the rollout controller then switches the live colour when it is caught up and has the pods, with no gap in the handlers',
  },
];

/**
 * The cleanup Job of a CLEANING_UP colour runs as an Argo CD PostSync hook: after every wave is
 * healthy and after the colour's Deployment has been pruned (PruneLast), so it never drops a
 * database that a running pod of that colour still writes to. A later sync runs it again, so
 * cleanup must be idempotent (drop if exists).
 */
export const CLEANUP_HOOK = { phase: 'PostSync', deletePolicy: 'BeforeHookCreation' } as const;

/**
 * The database Jobs are Argo CD Sync hooks: they run on every sync of their Application, in the
 * wave given, are recreated each time (BeforeHookCreation), and a failed one fails the sync before
 * the waves after it (a colour's pods never start on a stale database).
 */
export const DATABASE_HOOK = { phase: 'Sync', deletePolicy: 'BeforeHookCreation' } as const;

/**
 * The seed of a shared side-effect store runs before anything of the sync is applied (PreSync):
 * the pods that point the groups at the shared store must find it seeded. A failed seed fails the
 * sync before any pod changes.
 */
export const SEED_HOOK = { phase: 'PreSync', deletePolicy: 'BeforeHookCreation' } as const;
