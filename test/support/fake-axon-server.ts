/**
 * A fake Axon Server on loopback for the Job script tests (the backup run): answers the REST
 * paths a script calls with responses in Axon Server's JSON shapes, records the token it was
 * sent, and can change its answers over time.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { tempDir } from './helpers';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly token?: string;
  /** The parsed JSON body, if any. */
  readonly body?: unknown;
  readonly call: number;
}

export type Route = (request: FakeRequest) => { status: number; body: unknown };

export interface FakeServer {
  readonly url: string;
  readonly tokens: (string | undefined)[];
  /** Every request, in order. */
  readonly requests: FakeRequest[];
  close(): Promise<void>;
}

export async function fakeAxonServer(routes: Readonly<Record<string, Route>>): Promise<FakeServer> {
  const calls = new Map<string, number>();
  const tokens: (string | undefined)[] = [];
  const requests: FakeRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const token = req.headers['axoniq-access-token'] as string | undefined;
      tokens.push(token);
      const text = Buffer.concat(chunks).toString('utf8');
      const method = req.method ?? 'GET';
      const route = routes[`${method} ${url.pathname}`] ?? routes[url.pathname];
      const call = (calls.get(url.pathname) ?? 0) + 1;
      calls.set(url.pathname, call);
      const request: FakeRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        token,
        body: text ? JSON.parse(text) : undefined,
        call,
      };
      requests.push(request);
      const { status, body } = route ? route(request) : { status: 404, body: { error: 'Not Found' } };
      res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs a Job script as the Job would (node <file>) with the given environment. */
export async function runScript(
  text: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = tempDir();
  const script = path.join(dir, 'job.js');
  fs.writeFileSync(script, text);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script],
      { env: { PATH: process.env.PATH, JOB_RETRY_SECONDS: '0.05', ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}
