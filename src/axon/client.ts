/**
 * Axon Server's REST API as the controller calls it: one GET with a timeout, the token in the
 * `AxonIQ-Access-Token` header (WebSecurityConfigurer), the cluster's CA for HTTPS, and every
 * failure classified, never thrown: the controller treats any of them as "do not know".
 */
import * as http from 'node:http';
import * as https from 'node:https';

export type AxonPort = 'http' | 'management';

export type AxonAnswer<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string; readonly status?: number };

export interface AxonClientOptions {
  /** The base URL of a node's port, e.g. https://axonserver-1.orders.svc.cluster.local:8024. */
  readonly endpoint: (node: string, port: AxonPort) => string;
  readonly token?: () => string | undefined;
  readonly ca?: Buffer;
  readonly timeoutMs: number;
}

export class AxonClient {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly options: AxonClientOptions) {}

  /** GET `path` on a node's port, as JSON. */
  get<T>(node: string, port: AxonPort, path: string, token?: string): Promise<AxonAnswer<T>> {
    return this.request<T>('GET', node, port, path, token);
  }

  /** POST a JSON body; the answer as text (Axon Server's write endpoints answer with text). */
  post(node: string, port: AxonPort, path: string, body: unknown): Promise<AxonAnswer<string>> {
    return this.request<string>('POST', node, port, path, undefined, body);
  }

  private request<T>(
    method: string,
    node: string,
    port: AxonPort,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<AxonAnswer<T>> {
    const url = new URL(path, this.options.endpoint(node, port));
    const secure = url.protocol === 'https:';
    const key = secure ? 'https' : 'http';
    let agent = this.agents.get(key);
    if (!agent) {
      agent = secure ? new https.Agent({ keepAlive: true, ca: this.options.ca }) : new http.Agent({ keepAlive: true });
      this.agents.set(key, agent);
    }
    const sent = token ?? this.options.token?.();
    const where = `${node} ${url.pathname}`;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve) => {
      const req = (secure ? https : http).request(
        url,
        {
          method,
          agent,
          timeout: this.options.timeoutMs,
          headers: {
            Accept: 'application/json',
            ...(sent ? { 'AxonIQ-Access-Token': sent } : {}),
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (status < 200 || status > 299) {
              resolve({ ok: false, status, problem: `${where}: HTTP ${status}${describe(status)}` });
              return;
            }
            if (method !== 'GET') {
              resolve({ ok: true, value: text as T });
              return;
            }
            try {
              resolve({ ok: true, value: JSON.parse(text) as T });
            } catch {
              resolve({ ok: false, status, problem: `${where}: the answer is not JSON` });
            }
          });
          res.on('error', (err) => resolve({ ok: false, problem: `${where}: ${err.message}` }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      req.on('error', (err) => resolve({ ok: false, problem: `${where}: ${err.message}` }));
      if (payload) req.write(payload);
      req.end();
    });
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
  }
}

function describe(status: number): string {
  if (status === 401 || status === 403) return ' (the token was refused or lacks a role)';
  if (status === 404) return ' (not there: an Enterprise endpoint on another edition or version?)';
  return '';
}
