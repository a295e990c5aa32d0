/**
 * A small Kubernetes REST client over node:https: the verbs the controller and `status` use
 * (get, list, create, patch, delete, the status subresource), JSON in and out, a timeout on every
 * request, and errors that say what was asked and what the server answered.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConnection } from './config';

export class KubeError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
  ) {
    super(message);
  }
}

export type PatchType = 'merge' | 'strategic' | 'json';
const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

/** An API resource: `/api/v1` or `/apis/<group>/<version>`, its plural, namespaced or not. */
export interface Resource {
  readonly base: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export const RESOURCES = {
  pods: { base: '/api/v1', plural: 'pods', namespaced: true },
  services: { base: '/api/v1', plural: 'services', namespaced: true },
  configMaps: { base: '/api/v1', plural: 'configmaps', namespaced: true },
  secrets: { base: '/api/v1', plural: 'secrets', namespaced: true },
  events: { base: '/api/v1', plural: 'events', namespaced: true },
  persistentVolumeClaims: { base: '/api/v1', plural: 'persistentvolumeclaims', namespaced: true },
  statefulSets: { base: '/apis/apps/v1', plural: 'statefulsets', namespaced: true },
  deployments: { base: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  jobs: { base: '/apis/batch/v1', plural: 'jobs', namespaced: true },
  podDisruptionBudgets: { base: '/apis/policy/v1', plural: 'poddisruptionbudgets', namespaced: true },
  horizontalPodAutoscalers: { base: '/apis/autoscaling/v2', plural: 'horizontalpodautoscalers', namespaced: true },
  leases: { base: '/apis/coordination.k8s.io/v1', plural: 'leases', namespaced: true },
  nodeRollouts: { base: '/apis/axon-deploy.io/v1alpha1', plural: 'noderollouts', namespaced: true },
  appReleases: { base: '/apis/axon-deploy.io/v1alpha1', plural: 'appreleases', namespaced: true },
} as const satisfies Readonly<Record<string, Resource>>;

export interface ListOptions {
  readonly labelSelector?: string;
}

export interface KubeClientOptions {
  /** Milliseconds a request may take. @default 15000 */
  readonly timeoutMs?: number;
}

export class KubeClient {
  private readonly agent: https.Agent | http.Agent;
  private readonly timeoutMs: number;

  constructor(
    readonly connection: KubeConnection,
    options: KubeClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    const url = new URL(connection.server);
    this.agent =
      url.protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            ca: connection.ca,
            cert: connection.clientCert,
            key: connection.clientKey,
            rejectUnauthorized: !connection.insecureSkipTlsVerify,
          })
        : new http.Agent({ keepAlive: true });
  }

  /** The path of a resource, an object of it, or a subresource. */
  path(resource: Resource, namespace: string | undefined, name?: string, subresource?: string): string {
    const ns = resource.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const obj = name === undefined ? '' : `/${encodeURIComponent(name)}`;
    return `${resource.base}${ns}/${resource.plural}${obj}${subresource ? `/${subresource}` : ''}`;
  }

  /** The object, or undefined when it does not exist. */
  async get<T>(resource: Resource, namespace: string | undefined, name: string): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', this.path(resource, namespace, name));
    } catch (err) {
      if (err instanceof KubeError && err.status === 404) return undefined;
      throw err;
    }
  }

  async list<T>(resource: Resource, namespace: string | undefined, options: ListOptions = {}): Promise<T[]> {
    const query = options.labelSelector ? `?labelSelector=${encodeURIComponent(options.labelSelector)}` : '';
    const list = await this.request<{ items?: T[] }>('GET', `${this.path(resource, namespace)}${query}`);
    return list.items ?? [];
  }

  create<T>(resource: Resource, namespace: string | undefined, body: unknown): Promise<T> {
    return this.request<T>('POST', this.path(resource, namespace), body);
  }

  replace<T>(resource: Resource, namespace: string | undefined, name: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', this.path(resource, namespace, name), body);
  }

  patch<T>(
    resource: Resource,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    type: PatchType = 'merge',
    subresource?: string,
  ): Promise<T> {
    return this.request<T>(
      'PATCH',
      this.path(resource, namespace, name, subresource),
      patch,
      PATCH_CONTENT_TYPES[type],
    );
  }

  /** Deletes an object; `uid` makes it a no-op unless it is still that very object. */
  async delete(
    resource: Resource,
    namespace: string | undefined,
    name: string,
    options: { uid?: string; gracePeriodSeconds?: number } = {},
  ): Promise<void> {
    const body = {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      ...(options.uid ? { preconditions: { uid: options.uid } } : {}),
      ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
    };
    try {
      await this.request('DELETE', this.path(resource, namespace, name), body);
    } catch (err) {
      if (err instanceof KubeError && err.status === 404) return;
      throw err;
    }
  }

  /** One request; JSON in and out. */
  request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const url = new URL(path, this.connection.server);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const token = this.connection.token?.();
    const headers: http.OutgoingHttpHeaders = {
      Accept: 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(payload ? { 'Content-Type': contentType, 'Content-Length': payload.length } : {}),
    };
    const client = url.protocol === 'https:' ? https : http;
    const what = `${method} ${url.pathname}`;
    return new Promise<T>((resolve, reject) => {
      const req = client.request(url, { method, headers, agent: this.agent, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            reject(new KubeError(`${what}: HTTP ${status} ${serverMessage(text)}`, status));
            return;
          }
          try {
            resolve((text ? JSON.parse(text) : {}) as T);
          } catch {
            reject(new KubeError(`${what}: the answer is not JSON`, status));
          }
        });
        res.on('error', (err) => reject(new KubeError(`${what}: ${err.message}`, 0)));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (err) => reject(new KubeError(`${what}: ${err.message}`, 0)));
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** Closes idle connections (the process can exit). */
  close(): void {
    this.agent.destroy();
  }
}

/** The `message` of a Status answer, or the start of the body. */
function serverMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 300);
}
