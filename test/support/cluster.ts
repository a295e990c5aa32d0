/**
 * A rehearsal cluster: a real kube-apiserver (RBAC), the real kube-controller-manager (the
 * StatefulSet, ReplicaSet, Deployment, Job, EndpointSlice, disruption, HPA, PV-binding and
 * garbage-collector controllers) and the real kube-scheduler, from KUBEBUILDER_ASSETS or
 * ../shared/envtest/bin. Only the kubelet is missing: simulated Nodes (test/support/kubelet.ts)
 * run nothing, and tell the pods' story through the API. No test fakes a controller.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiServer, assetsProblem } from '../../src/validate/api-server';
import { KubeClient } from '../../src/kube/client';
import { kubeconfigConnection } from '../../src/kube/kubeconfig';

const FALLBACK_ASSETS = path.resolve(__dirname, '../../../shared/envtest/bin');
const EXTRA = ['kube-controller-manager', 'kube-scheduler'];

/** The directory with the binaries, or why there is none. */
export function rehearsalAssets(): { dir?: string; problem?: string } {
  const dir = process.env.KUBEBUILDER_ASSETS || FALLBACK_ASSETS;
  const problem =
    assetsProblem(dir) ?? EXTRA.filter((b) => !fs.existsSync(path.join(dir, b))).map((b) => `${dir} lacks ${b}`)[0];
  return problem ? { problem } : { dir };
}

export interface RehearsalCluster {
  readonly server: ApiServer;
  /** An administrator (system:masters). */
  readonly admin: KubeClient;
  readonly kubeconfig: string;
  /** kubectl as the administrator; throws with kubectl's output on failure. */
  kubectl(args: readonly string[], input?: string): string;
  stop(): void;
}

export async function startRehearsalCluster(assets: string, crds: readonly string[]): Promise<RehearsalCluster> {
  const server = await ApiServer.start({ assets, crds, authorization: 'RBAC' });
  const kubeconfig = server.kubectl.kubeconfig;
  const common = [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--leader-elect=false',
    '--secure-port=0',
  ];
  server.launchBeside(
    path.join(assets, 'kube-controller-manager'),
    [
      ...common,
      '--use-service-account-credentials=false',
      `--service-account-private-key-file=${server.serviceAccountKey}`,
      `--root-ca-file=${server.servingCertificate}`,
      '--controllers=*,-nodeipam,-nodelifecycle,-attachdetach,-cloud-node-lifecycle,-ttl',
      '--concurrent-statefulset-syncs=10',
      // Autoscalers keep their bounds within a second (the default checks every 15 s).
      '--horizontal-pod-autoscaler-sync-period=1s',
      '--kube-api-qps=200',
      '--kube-api-burst=400',
    ],
    'kube-controller-manager',
  );
  server.launchBeside(
    path.join(assets, 'kube-scheduler'),
    [...common, '--kube-api-qps=200', '--kube-api-burst=400'],
    'kube-scheduler',
  );
  const admin = new KubeClient(kubeconfigConnection(kubeconfig));
  const kubectl = (args: readonly string[], input?: string) => {
    const r = server.kubectl.run(args, input);
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  };
  return {
    server,
    admin,
    kubeconfig,
    kubectl,
    stop() {
      admin.close();
      server.stop();
    },
  };
}

/** A short-lived token of a ServiceAccount (TokenRequest), as its pod would have. */
export function serviceAccountToken(cluster: RehearsalCluster, namespace: string, account: string): string {
  return cluster.kubectl(['-n', namespace, 'create', 'token', account, '--duration=1h']).trim();
}

/** A kubeconfig (written to `file`) that acts as a ServiceAccount: only what its Role allows. */
export function kubeconfigAs(cluster: RehearsalCluster, namespace: string, account: string, file: string): void {
  const token = serviceAccountToken(cluster, namespace, account);
  const { server } = kubeconfigConnection(cluster.kubeconfig);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'rehearsal', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: account, user: { token } }],
    contexts: [{ name: account, context: { cluster: 'rehearsal', user: account, namespace } }],
    'current-context': account,
  };
  fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
}

/** Waits until `check` returns a value (not undefined), polling; fails with `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
