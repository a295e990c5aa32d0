/**
 * The caught-up gate against a fake Axon Server serving GET /v1/components/{c}/processors in the
 * JSON shape of EventProcessorRestController: it passes only when every streaming processor of
 * the colour is caught up and not replaying, and fails the sync, before the switch, naming the
 * processors still behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../support/helpers';
import { fakeAxonServer, FakeServer, runGate, unreachableUrl } from '../../support/fake-axon-server';

/** A streaming processor as Axon Server reports it (GenericProcessor + StreamingProcessor + segments). */
function processor(
  name: string,
  trackers: { caughtUp: boolean; replaying: boolean; errorState?: string }[],
  warnings: string[] = [],
) {
  return {
    name,
    context: 'orders',
    mode: 'Pooled Streaming',
    isStreaming: true,
    fullName: `${name}@token-store-1`,
    warnings: warnings.map((message) => ({ message })),
    tokenStoreIdentifier: 'token-store-1',
    freeThreadInstances: [],
    activeThreads: trackers.length,
    canPause: true,
    canPlay: false,
    canSplit: true,
    canMerge: trackers.length > 1,
    trackers: trackers.map((t, i) => ({
      clientId: `1@order-service-green-7d9f-${i}`,
      segmentId: i,
      caughtUp: t.caughtUp,
      replaying: t.replaying,
      tokenPosition: 1000 + i,
      errorState: t.errorState ?? '',
      onePartOf: trackers.length,
    })),
  };
}
const subscribing = {
  name: 'commands-audit',
  context: 'orders',
  mode: 'Subscribing',
  isStreaming: false,
  fullName: 'commands-audit',
  warnings: [],
};

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function gate(body: unknown | ((call: number) => unknown), extra: Record<string, string> = {}, status = 200) {
  await server?.close();
  server = await fakeAxonServer({
    '/v1/components/order-service-green/processors': ({ query, call }) =>
      query.get('context') === 'orders'
        ? { status, body: typeof body === 'function' ? (body as (c: number) => unknown)(call) : body }
        : { status: 200, body: [] },
  });
  return runGate({
    GATE_MODE: 'processors',
    AXONSERVER_URL: server.url,
    GATE_COMPONENT: 'order-service-green',
    GATE_CONTEXT: 'orders',
    GATE_TIMEOUT_SECONDS: '1',
    ...extra,
  });
}

it('passes when every streaming processor is caught up and not replaying (subscribing ones do not count)', async () => {
  const r = await gate([
    processor('orders-view-green', [
      { caughtUp: true, replaying: false },
      { caughtUp: true, replaying: false },
    ]),
    subscribing,
  ]);
  expect(r.stdout).toContain('gate processors passed');
  expect(r.code).toBe(0);
});

it('stops the sync while a processor replays, naming it', async () => {
  const r = await gate([
    processor('orders-view-green', [
      { caughtUp: true, replaying: false },
      { caughtUp: false, replaying: true },
    ]),
    processor('stock-view-green', [{ caughtUp: true, replaying: false }]),
  ]);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('gate processors failed after 1 s: orders-view-green: replaying (segment 1)\n');
});

it('stops the sync while a processor has not caught up, or misses segments', async () => {
  const r = await gate([
    processor('orders-view-green', [
      { caughtUp: false, replaying: false },
      { caughtUp: false, replaying: false },
    ]),
    processor('stock-view-green', [{ caughtUp: true, replaying: false }], ['Not all segments claimed']),
  ]);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    'gate processors failed after 1 s: orders-view-green: not caught up (segments 0, 1); stock-view-green: Not all segments claimed\n',
  );
});

it('waits while the colour has not connected (no processors yet), then passes once it has caught up', async () => {
  const r = await gate(
    (call: number) => (call < 3 ? [] : [processor('orders-view-green', [{ caughtUp: true, replaying: false }])]),
    { GATE_TIMEOUT_SECONDS: '5' },
  );
  expect(r.stdout).toContain(
    'waiting: order-service-green reports no event processors in context orders yet (has the colour started and connected? an app without event processors needs no gate: release.gate.enabled: false)',
  );
  expect(r.code).toBe(0);
  const never = await gate([]);
  expect(never.stderr).toBe(
    'gate processors failed after 1 s: order-service-green reports no event processors in context orders yet (has the colour started and connected? an app without event processors needs no gate: release.gate.enabled: false)\n',
  );
});

it('names a processor in error', async () => {
  const r = await gate([
    processor('orders-view-green', [
      {
        caughtUp: false,
        replaying: false,
        errorState: 'java.lang.IllegalStateException: column "total" does not exist',
      },
    ]),
  ]);
  expect(r.stderr).toBe(
    'gate processors failed after 1 s: orders-view-green: in error (segment 0: java.lang.IllegalStateException: column "total" does not exist); orders-view-green: not caught up (segment 0)\n',
  );
});

it('fails at once on 401 (a refused token), sending the token it was given', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'token'), 'system-token');
  const r = await gate('Invalid token', { GATE_TOKEN_FILE: path.join(dir, 'token'), GATE_TIMEOUT_SECONDS: '30' }, 401);
  expect(server!.tokens).toEqual(['system-token']);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    'gate processors failed: /v1/components/order-service-green/processors?context=orders: HTTP 401 Invalid token: the token was refused; check the Secret the Job mounts (the system token, with ADMIN rights)\n',
  );
});

it('fails after its timeout when Axon Server is unreachable', async () => {
  const r = await runGate({
    GATE_MODE: 'processors',
    AXONSERVER_URL: await unreachableUrl(),
    GATE_COMPONENT: 'order-service-green',
    GATE_CONTEXT: 'orders',
    GATE_TIMEOUT_SECONDS: '1',
  });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /^gate processors failed after 1 s: cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/components\/order-service-green\/processors\?context=orders \(ECONNREFUSED\)\n$/,
  );
});

it('leaves out the side-effect processors, whose segments the live colour holds (shared token store)', async () => {
  const sideEffect = processor('order-notifications', [], ['Not all segments claimed']);
  const r = await gate([processor('orders-view-green', [{ caughtUp: true, replaying: false }]), sideEffect], {
    GATE_IGNORE_PROCESSORS: 'order-notifications,payment-saga',
  });
  expect(r.code).toBe(0);
  const without = await gate([processor('orders-view-green', [{ caughtUp: true, replaying: false }]), sideEffect]);
  expect(without.stderr).toBe('gate processors failed after 1 s: order-notifications: no segment claimed yet\n');
  const only = await gate([sideEffect], { GATE_IGNORE_PROCESSORS: 'order-notifications' });
  expect(only.stderr).toBe(
    'gate processors failed after 1 s: order-service-green reports no event processors besides its side-effect ones in context orders yet (has the colour started and connected? an app without event processors needs no gate: release.gate.enabled: false)\n',
  );
});

it('passes at once when the colour is already live (no switch in this sync), even with a processor in trouble', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'live'), 'green');
  const r = await gate([processor('orders-view-green', [{ caughtUp: false, replaying: true }])], {
    GATE_COLOR: 'green',
    GATE_RELEASE_FILE: path.join(dir, 'live'),
  });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('green is already live: no switch in this sync');
  fs.writeFileSync(path.join(dir, 'live'), 'blue');
  const switching = await gate([processor('orders-view-green', [{ caughtUp: false, replaying: true }])], {
    GATE_COLOR: 'green',
    GATE_RELEASE_FILE: path.join(dir, 'live'),
  });
  expect(switching.code).toBe(1);
  const first = await gate([processor('orders-view-green', [{ caughtUp: true, replaying: false }])], {
    GATE_COLOR: 'green',
    GATE_RELEASE_FILE: path.join(dir, 'missing'),
  });
  expect(first.code).toBe(0);
});

it('fails when the answer is cut off half-way, never passes on it', async () => {
  const http = await import('node:http');
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
    res.write('[{"name":"orders-view-green"');
    setTimeout(() => res.destroy(), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  const r = await runGate({
    GATE_MODE: 'processors',
    AXONSERVER_URL: url,
    GATE_COMPONENT: 'order-service-green',
    GATE_CONTEXT: 'orders',
    GATE_TIMEOUT_SECONDS: '1',
  });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /^gate processors failed after 1 s: lost the answer of http:\/\/127\.0\.0\.1:\d+\/v1\/components\/order-service-green\/processors\?context=orders/,
  );
});
