/**
 * The rehearsal cluster: a real kube-apiserver (RBAC), the real kube-controller-manager (the
 * StatefulSet, ReplicaSet, Deployment, Job, EndpointSlice, disruption, HPA, PV-binding and
 * garbage-collector controllers) and the real kube-scheduler, from KUBEBUILDER_ASSETS or
 * ../shared/envtest/bin, started once per test run (global-setup.ts). Only the kubelet is missing:
 * simulated Nodes (test/support/kubelet.ts) run nothing, and tell the pods' story through the API.
 * No test fakes a controller.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiServer, assetsProblem, Kubectl } from '../../src/validate/api-server';
import { KubeClient } from '../../src/kube/client';
import { kubeconfigConnection } from '../../src/kube/kubeconfig';

const FALLBACK_ASSETS = path.resolve(__dirname, '../../../shared/envtest/bin');
const EXTRA = ['kube-controller-manager', 'kube-scheduler'];

/** The rehearsals' StorageClass: local volumes, bound where their pod is scheduled. */
export const STORAGE_CLASS = 'rehearsal-local';
/** The simulated Nodes (test/support/kubelet.ts). */
export const KUBE_NODES = ['kube-1', 'kube-2', 'kube-3', 'kube-4', 'kube-5', 'kube-6'];

/** The directory with the binaries, or why there is none. */
export function rehearsalAssets(): { dir?: string; problem?: string } {
  const dir = process.env.KUBEBUILDER_ASSETS || FALLBACK_ASSETS;
  const problem =
    assetsProblem(dir) ?? EXTRA.filter((b) => !fs.existsSync(path.join(dir, b))).map((b) => `${dir} lacks ${b}`)[0];
  return problem ? { problem } : { dir };
}

export interface RehearsalCluster {
  /** An administrator (system:masters). */
  readonly admin: KubeClient;
  readonly kubeconfig: string;
  /** kubectl as the administrator; throws with kubectl's output on failure. */
  kubectl(args: readonly string[], input?: string): string;
  /** Closes this process's connections (the cluster itself belongs to the run). */
  close(): void;
}

/**
 * Starts the real controllers beside a running API server (with RBAC): kube-controller-manager
 * without the controllers a simulated node cannot serve, and kube-scheduler.
 */
export function startControllers(server: ApiServer, assets: string): void {
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
}

/** A connection to the run's rehearsal cluster, as an administrator. */
export function connectCluster(kubeconfig: string, kubectlBinary: string): RehearsalCluster {
  const admin = new KubeClient(kubeconfigConnection(kubeconfig));
  const kubectl = new Kubectl(kubectlBinary, kubeconfig);
  return {
    admin,
    kubeconfig,
    kubectl(args, input) {
      const r = kubectl.run(args, input);
      if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr.trim() || r.stdout.trim()}`);
      return r.stdout;
    },
    close: () => admin.close(),
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
