/**
 * The order in which objects change: Argo CD sync waves, decided here and nowhere else.
 *
 * An environment is two Argo CD Applications (see model/argocd.ts), each with its own waves.
 * Argo CD applies one wave at a time and waits until every object of the wave is healthy (a Job:
 * complete) before the next.
 *
 * The Axon Server Application:
 *   - configuration and policies (0), then the Services (1);
 *   - the bootstrap node (the cluster template's `first`) before every other node, so on a clean
 *     install the other nodes find it and join; its gate follows it;
 *   - then the nodes that do not vote, then the other voters, one node per wave, each followed by
 *     its gate (a Job that waits until the node is back in every replication group, a leader
 *     exists and it has caught up). An upgrade that touches every node so rolls them one by one,
 *     losing at most one voter at a time, and never restarts a voter before the previous one has
 *     rejoined;
 *   - last, the registration of apps and users (5000).
 *   Each node's wave depends on its own name and band only (a slot from a hash of the name), so
 *   adding or removing a node leaves the other nodes' waves as they are.
 *
 * The apps Application:
 *   - each running colour's read-model database created (when missing) before any Deployment;
 *   - a colour becoming SERVING rolled out, then its processors confirmed caught up (the gate),
 *     then the live Service (and the release files) switched to it, and the demoted colour
 *     changed last.
 */
import type { Phase } from './phases';

export const WAVE = {
  /** StorageClasses, ConfigMaps, NetworkPolicies, PodDisruptionBudgets. */
  config: 0,
  /** Services of Axon Server (per-node headless Services, client and UI Services). */
  services: 1,
  /** The bootstrap node; its gate runs at bootstrapNode + 1. */
  bootstrapNode: 10,
  /** Nodes that do not vote: wave nonVoters + 2 × slot, their gate one wave later. */
  nonVoters: 1000,
  /** The other voting nodes: wave voters + 2 × slot, their gate one wave later. */
  voters: 3000,
  /** After every node and its gate: the Job that registers apps and users (a Sync hook). */
  registration: 5000,
  /** Jobs that create the running colours' databases when missing (Sync hooks). */
  databases: 90,
  /** Deployments of SERVING colours and of rolling apps. */
  serving: 100,
  /** The caught-up gate of each SERVING colour (a Sync hook): after it is healthy, before the switch. */
  appGate: 101,
  /** Live Services and the release files, switched once the SERVING colour has caught up. */
  liveService: 102,
  /** INITIALISING and STANDING_BY colours and preview Services: demoted colours change last. */
  notServing: 103,
} as const;

/** Slots per band: with a few nodes per band, two names rarely share one (the later probes on). */
export const NODE_SLOTS = 1000;

/** FNV-1a, 32 bits: a stable number from a name. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The wave of each node: the bootstrap node first, then non-voters, then the other voters; in a
 * band each node takes the slot its name hashes to (the next free one if taken, names in order).
 */
export function nodeWaves(
  nodes: readonly { readonly name: string; readonly voter: boolean }[],
  bootstrap: string,
): Map<string, number> {
  const waves = new Map<string, number>();
  if (nodes.some((n) => n.name === bootstrap)) waves.set(bootstrap, WAVE.bootstrapNode);
  for (const [band, voter] of [
    [WAVE.nonVoters, false],
    [WAVE.voters, true],
  ] as const) {
    const taken = new Set<number>();
    for (const n of nodes
      .filter((x) => x.voter === voter && x.name !== bootstrap)
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      let slot = fnv1a(n.name) % NODE_SLOTS;
      while (taken.has(slot)) slot = (slot + 1) % NODE_SLOTS;
      taken.add(slot);
      waves.set(n.name, band + 2 * slot);
    }
  }
  return waves;
}

/** The wave of a node's gate: right after the node. */
export const gateWave = (nodeWave: number): number => nodeWave + 1;

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
  { wave: WAVE.databases, objects: 'databases of the running colours created when missing' },
  {
    wave: WAVE.serving,
    objects:
      'Deployment of the colour that is (becoming) SERVING, and rolling Deployments: rolled out and healthy first',
  },
  {
    wave: WAVE.appGate,
    objects:
      'gate: every streaming processor of the SERVING colour caught up and not replaying, or the sync stops here',
  },
  {
    wave: WAVE.liveService,
    objects:
      'live Service <app> switches its selector to the SERVING colour; the release files tell each colour its phase and whether it is live',
  },
  {
    wave: WAVE.notServing,
    objects:
      'Deployments of INITIALISING and STANDING_BY colours (the demoted colour scales down last), preview Service',
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
 * Gates are Argo CD Sync hooks: they run on every sync of their Application, in the wave given,
 * are recreated each time (BeforeHookCreation), and a failed gate fails the sync before the waves
 * after it.
 */
export const GATE_HOOK = { phase: 'Sync', deletePolicy: 'BeforeHookCreation' } as const;

/**
 * The seed of a shared side-effect store runs before anything of the sync is applied (PreSync):
 * the pods that point the groups at the shared store must find it seeded. A failed seed fails the
 * sync before any pod changes.
 */
export const SEED_HOOK = { phase: 'PreSync', deletePolicy: 'BeforeHookCreation' } as const;
