/**
 * The order in which objects change: Argo CD sync waves, decided here and nowhere else.
 *
 * Argo CD applies one wave at a time and waits until every object of the wave is healthy before
 * the next. That gives:
 *   - config and policies before the pods that use them;
 *   - Axon Server nodes one at a time, non-voters first, so a change that touches every node
 *     (an image upgrade) rolls them one by one, each healthy before the next;
 *   - a colour becoming SERVING rolled out before the live Service switches to it, and the
 *     demoted colour changed last.
 * Wave numbers are spaced so that adding a node does not renumber the app waves.
 */
import type { Phase } from './phases';

export const WAVE = {
  /** StorageClasses, ConfigMaps, NetworkPolicies, PodDisruptionBudgets. */
  config: 0,
  /** Services of Axon Server (per-node headless Services, client and UI Services). */
  services: 1,
  /** The first Axon Server node; node i (in rollout order) is in wave firstNode + i. */
  firstNode: 10,
  /** Deployments of SERVING colours and of rolling apps. */
  serving: 100,
  /** Live Services, switched once the SERVING colour is healthy. */
  liveService: 101,
  /** INITIALISING and STANDING_BY colours and preview Services: demoted colours change last. */
  notServing: 102,
} as const;

/** Rollout order of Axon Server nodes: non-voters first, then voters, each in config order. */
export function nodeRolloutOrder<T extends { readonly name: string; readonly voter: boolean }>(nodes: readonly T[]): T[] {
  return [...nodes.filter((n) => !n.voter), ...nodes.filter((n) => n.voter)];
}

/** Wave of an app Deployment in the given phase. */
export function deploymentWave(phase: Phase): number {
  return phase === 'SERVING' ? WAVE.serving : WAVE.notServing;
}

/** One row of the release order, as documented in the README. */
export interface ReleaseStep {
  readonly wave: number;
  readonly objects: string;
}

/** The order of a promotion or rollback, for documentation and review reports. */
export const RELEASE_ORDER: readonly ReleaseStep[] = [
  { wave: WAVE.serving, objects: 'Deployment of the colour that is (becoming) SERVING, and rolling Deployments: rolled out and healthy first' },
  { wave: WAVE.liveService, objects: 'live Service <app>: switches its selector to the SERVING colour' },
  { wave: WAVE.notServing, objects: 'Deployments of INITIALISING and STANDING_BY colours (the demoted colour scales down last), preview Service' },
];

/**
 * The cleanup Job of a CLEANING_UP colour runs as an Argo CD PostSync hook: after every wave is
 * healthy and after the colour's Deployment has been pruned (PruneLast), so it never drops a
 * database that a running pod of that colour still writes to. A later sync runs it again, so
 * cleanup must be idempotent (drop if exists).
 */
export const CLEANUP_HOOK = { phase: 'PostSync', deletePolicy: 'BeforeHookCreation' } as const;
