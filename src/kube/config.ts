/**
 * Where the Kubernetes API is and how to authenticate: in a pod (the ServiceAccount's token and
 * CA, KUBERNETES_SERVICE_HOST/PORT), or from a kubeconfig (kubeconfig.ts).
 *
 * Hand-written rather than @kubernetes/client-node: the controller runs from a ConfigMap, which
 * holds at most 1 MiB, and that client with its dependencies bundles to several megabytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** How to reach and authenticate to one API server. */
export interface KubeConnection {
  readonly server: string;
  /** PEM CA bundle; absent: the system's CAs. */
  readonly ca?: Buffer;
  readonly insecureSkipTlsVerify?: boolean;
  readonly clientCert?: Buffer;
  readonly clientKey?: Buffer;
  /** The bearer token, read for each request (a projected token file rotates). */
  readonly token?: () => string | undefined;
  /** The namespace of the kubeconfig context or of the pod. */
  readonly namespace?: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The in-cluster connection, when running in a pod. */
export function inClusterConnection(env: NodeJS.ProcessEnv = process.env): KubeConnection | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port || !fs.existsSync(path.join(SERVICE_ACCOUNT_DIR, 'token'))) return undefined;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    server,
    ca: fs.readFileSync(path.join(SERVICE_ACCOUNT_DIR, 'ca.crt')),
    token: () => fs.readFileSync(path.join(SERVICE_ACCOUNT_DIR, 'token'), 'utf8').trim(),
    namespace: fs.readFileSync(path.join(SERVICE_ACCOUNT_DIR, 'namespace'), 'utf8').trim(),
  };
}
