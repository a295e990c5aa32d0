/**
 * A fake Axon Server on loopback for the gate tests: answers the REST paths the gates read with
 * responses in Axon Server's JSON shapes (PublicRestController, the CLI's ReplicationGroupJSON,
 * RaftStatusRestController, EventProcessorRestController), records the token it was sent, and
 * can change its answers over time (a node rejoining, a replay catching up).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { GATE_SCRIPT } from '../../src/gates/script';
import { tempDir } from '../helpers';

export type Route = (request: { path: string; query: URLSearchParams; token?: string; call: number }) => { status: number; body: unknown };

export interface FakeServer {
  readonly url: string;
  readonly tokens: (string | undefined)[];
  close(): Promise<void>;
}

export async function fakeAxonServer(routes: Readonly<Record<string, Route>>): Promise<FakeServer> {
  const calls = new Map<string, number>();
  const tokens: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token = req.headers['axoniq-access-token'] as string | undefined;
    tokens.push(token);
    const route = routes[url.pathname];
    const call = (calls.get(url.pathname) ?? 0) + 1;
    calls.set(url.pathname, call);
    const { status, body } = route ? route({ path: url.pathname, query: url.searchParams, token, call }) : { status: 404, body: { error: 'Not Found' } };
    res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Runs the gate script as the Job would (node gate.js) with the given environment. */
export async function runGate(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = tempDir();
  const script = path.join(dir, 'gate.js');
  fs.writeFileSync(script, GATE_SCRIPT);
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { env: { PATH: process.env.PATH, GATE_INTERVAL_SECONDS: '0.05', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A closed port: nothing listens there. */
export async function unreachableUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return `http://127.0.0.1:${port}`;
}
