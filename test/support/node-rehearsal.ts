/**
 * What the rehearsals share: the run's cluster with a simulated kubelet per test file, the
 * five-node environment they roll, and the assertions about what happened.
 */
import type { EnvironmentModel } from '../../src/model/types';
import { enterprise, environment, node, validModel } from './builders';
import { connectCluster, RehearsalCluster, rehearsalAssets } from './cluster';
import { FakeKubelet } from './kubelet';
import { hooksByNamespace, KUBE_NODES, Rehearsal, STORAGE_CLASS } from './rehearsal';

export const IMAGE_1 = 'axoniq/axonserver:2025.1.5-jdk-17-nonroot';
export const IMAGE_2 = 'axoniq/axonserver:2025.2.1-jdk-17-nonroot';
export const PRIMARIES = ['axonserver-1', 'axonserver-2', 'axonserver-3'];
export const ARCHIVES = ['archive-1', 'archive-2'];
/** The nodes in the NodeRollout's order: nodes that do not vote first. */
export const NODE_ORDER = [...ARCHIVES, ...PRIMARIES];

/** The order the controller restarts them in when `leaders` lead the groups: non-voters first, leaders last. */
export const rollOrder = (leaders: readonly string[]): string[] => [
  ...NODE_ORDER.filter((n) => !leaders.includes(n)),
  ...NODE_ORDER.filter((n) => leaders.includes(n)),
];

/** Five nodes in two groups: three PRIMARY in _admin and orders, two SECONDARY archive nodes in orders. */
export function fiveNodes(
  namespace: string,
  image = IMAGE_1,
  properties: Record<string, string> = {},
): EnvironmentModel {
  const volume = { size: '1Gi', storageClass: STORAGE_CLASS };
  const roles = {
    ...Object.fromEntries(PRIMARIES.map((n) => [n, 'PRIMARY' as const])),
    ...Object.fromEntries(ARCHIVES.map((n) => [n, 'SECONDARY' as const])),
  };
  return validModel(
    environment(
      enterprise(roles, {
        image,
        properties,
        nodes: NODE_ORDER.map((n) => node(n, { volumes: { events: volume, data: volume, log: volume } })),
        rollout: { settleSeconds: 0 },
      }),
      [],
      { namespace, controller: { pollSeconds: 0.1 } },
    ),
  );
}

/**
 * The run's rehearsal cluster for a test file (started once by global-setup.ts), with a simulated
 * kubelet of the file's own: it serves the pods of the file's namespaces only, so files in other
 * workers rehearse beside it on the same Nodes. Skips loudly without binaries.
 */
export function useRehearsalCluster(): {
  describe: jest.Describe;
  cluster: () => RehearsalCluster;
  track: (r: Rehearsal) => Rehearsal;
} {
  const kubeconfig = process.env.AXON_DEPLOY_TEST_KUBECONFIG;
  const kubectl = process.env.AXON_DEPLOY_TEST_KUBECTL;
  const ready = kubeconfig && kubectl && process.env.AXON_DEPLOY_TEST_CONTROLLERS;
  const problem = rehearsalAssets().problem ?? 'the run started no controllers (test/support/global-setup.ts)';
  if (!ready && process.env.AXON_DEPLOY_REQUIRE_APISERVER)
    throw new Error(`rehearsals need the envtest binaries: ${problem}`);
  if (!ready) process.stderr.write(`\u26A0 Rollout rehearsals are SKIPPED: ${problem}\n`);
  let cluster: RehearsalCluster | undefined;
  let kubelet: FakeKubelet | undefined;
  const rehearsals: Rehearsal[] = [];
  if (ready) {
    beforeAll(async () => {
      cluster = connectCluster(kubeconfig, kubectl);
      const hooks = (ns: string | undefined) => hooksByNamespace.get(ns ?? '');
      kubelet = new FakeKubelet({
        admin: cluster.admin,
        nodes: KUBE_NODES,
        namespaces: () => [...hooksByNamespace.keys()],
        containersReady: (pod) => hooks(pod.metadata.namespace)?.containersReady(pod) ?? true,
        onStart: (pod) => hooks(pod.metadata.namespace)?.onStart(pod),
        onStop: (pod) => hooks(pod.metadata.namespace)?.onStop(pod),
      });
      await kubelet.start();
    }, 60_000);
    afterAll(async () => {
      for (const r of rehearsals.splice(0)) await r.tearDown();
      kubelet?.stop();
      cluster?.close();
    });
  }
  return {
    describe: ready ? describe : describe.skip,
    cluster: () => cluster!,
    track: (r) => (rehearsals.push(r), r),
  };
}

/** The nodes that stopped (were restarted) after event number `from`, in order. */
export const stopsSince = (r: Rehearsal, from = 0): string[] =>
  r.axon.events
    .slice(from)
    .filter((e) => e.what.endsWith(' stops'))
    .map((e) => e.what.replace(' stops', ''));

/** No replication group ever had fewer than a majority of its PRIMARY members up. */
export function expectQuorumKept(r: Rehearsal): void {
  const margins = Object.fromEntries(r.axon.worstMargin);
  expect(Object.keys(margins).sort()).toEqual(['_admin', 'orders']);
  for (const [group, margin] of Object.entries(margins)) {
    expect({ group, lostMajority: margin < 0 }).toEqual({ group, lostMajority: false });
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
