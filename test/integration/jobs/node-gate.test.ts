/**
 * The node gate against a fake Axon Server: it passes only when the restarted node answers, is a
 * member of each of its replication groups, each has a leader and it is not behind; it retries
 * while that is not yet so, and fails with what is missing after its timeout.
 */
import { fakeAxonServer, FakeServer, Route, runGate, unreachableUrl } from '../../support/fake-axon-server';
import { tempDir } from '../../support/helpers';
import * as fs from 'node:fs';
import * as path from 'node:path';

const me =
  (name: string): Route =>
  () => ({
    status: 200,
    body: {
      name,
      hostName: name,
      internalHostName: name,
      grpcPort: 8124,
      httpPort: 8024,
      clustered: true,
      adminNode: true,
      authentication: false,
      ssl: false,
    },
  });
const groups =
  (body: unknown): Route =>
  () => ({ status: 200, body });
const raft =
  (body: unknown): Route =>
  () => ({ status: 200, body });
const member = (name: string, leader: string | null, nodes = ['axonserver-1', 'axonserver-2', 'axonserver-3']) => ({
  name,
  leader,
  changePending: false,
  roles: nodes.map((node) => ({ node, role: 'PRIMARY' })),
});
const status = (context: string, commitIndex: number, lastAppliedIndex: number, leaderName = 'axonserver-1') => ({
  nodeId: 'n2',
  context,
  commitIndex,
  lastAppliedIndex,
  lastLogIndex: commitIndex,
  leaderName,
  isLeader: false,
});

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const gateEnv = (url: string, extra: Record<string, string> = {}) => ({
  GATE_MODE: 'node',
  AXONSERVER_URL: url,
  GATE_NODE: 'axonserver-2',
  GATE_GROUPS: '_admin,orders',
  GATE_TIMEOUT_SECONDS: '1',
  GATE_MAX_LAG: '100',
  ...extra,
});

it('passes when the node is a member of every group, each has a leader, and it has caught up', async () => {
  server = await fakeAxonServer({
    '/v1/public/me': me('axonserver-2'),
    '/v1/public/replicationgroups': groups([member('_admin', 'axonserver-1'), member('orders', 'axonserver-3')]),
    '/internal/raft/status': raft([status('_admin', 120, 118), status('orders', 5000, 4950)]),
  });
  const r = await runGate(gateEnv(server.url));
  expect(r.stdout).toContain('gate node passed');
  expect(r.code).toBe(0);
});

it('waits while the node has not rejoined, then passes once it has', async () => {
  server = await fakeAxonServer({
    '/v1/public/me': ({ call }) => (call < 3 ? { status: 503, body: 'starting' } : me('axonserver-2')({} as never)),
    '/v1/public/replicationgroups': ({ call }) => ({
      status: 200,
      body: [member('_admin', 'axonserver-1'), member('orders', call < 2 ? null : 'axonserver-1')],
    }),
    '/internal/raft/status': raft([status('_admin', 10, 10), status('orders', 10, 10)]),
  });
  const r = await runGate(gateEnv(server.url, { GATE_TIMEOUT_SECONDS: '5' }));
  expect(r.stdout).toContain('waiting: /v1/public/me: HTTP 503 starting');
  expect(r.stdout).toContain('waiting: replication group orders has no leader');
  expect(r.code).toBe(0);
});

it.each([
  [
    'not a member',
    [member('_admin', 'axonserver-1'), member('orders', 'axonserver-1', ['axonserver-1', 'axonserver-3'])],
    [],
    'axonserver-2 is not yet a member of replication group orders',
  ],
  [
    'no leader',
    [member('_admin', 'axonserver-1'), member('orders', null)],
    [],
    'replication group orders has no leader',
  ],
  [
    'a group unknown',
    [member('_admin', 'axonserver-1')],
    [],
    'replication group orders is not known to axonserver-2 yet',
  ],
  [
    'behind',
    [member('_admin', 'axonserver-1'), member('orders', 'axonserver-1')],
    [status('_admin', 10, 10), status('orders', 9000, 4000)],
    'axonserver-2 is 5000 entries behind in orders (at most 100)',
  ],
])('fails after its timeout when %s, naming it', async (_, groupList, raftList, missing) => {
  server = await fakeAxonServer({
    '/v1/public/me': me('axonserver-2'),
    '/v1/public/replicationgroups': groups(groupList),
    '/internal/raft/status': raft(raftList),
  });
  const r = await runGate(gateEnv(server.url));
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`gate node failed after 1 s: ${missing}\n`);
});

it('sends the system token from its file, and fails at once when it is refused', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'token'), 'the-system-token\n');
  server = await fakeAxonServer({
    '/v1/public/me': ({ token }) =>
      token === 'the-system-token' ? me('axonserver-2')({} as never) : { status: 401, body: 'Invalid token' },
    '/v1/public/replicationgroups': ({ token }) =>
      token === 'the-system-token'
        ? { status: 200, body: [member('_admin', 'a'), member('orders', 'a')] }
        : { status: 401, body: '' },
  });
  const ok = await runGate(gateEnv(server.url, { GATE_TOKEN_FILE: path.join(dir, 'token') }));
  expect(ok.stdout).toContain('/internal/raft/status is not there (404)');
  expect(ok.code).toBe(0);
  const refused = await runGate(gateEnv(server.url, { GATE_TIMEOUT_SECONDS: '30' }));
  expect(refused.code).toBe(1);
  expect(refused.stderr).toBe(
    'gate node failed: /v1/public/me: HTTP 401 Invalid token: the token was refused; check the Secret the Job mounts (the system token, with ADMIN rights)\n',
  );
});

it('keeps trying an unreachable node until its timeout', async () => {
  const r = await runGate(gateEnv(await unreachableUrl()));
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /^gate node failed after 1 s: cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/public\/me \(ECONNREFUSED\)\n$/,
  );
});

it('says which node answered when the address points at another one', async () => {
  server = await fakeAxonServer({ '/v1/public/me': me('axonserver-3') });
  const r = await runGate(gateEnv(server.url));
  expect(r.stderr).toContain(`the server at ${server.url} is axonserver-3, not axonserver-2`);
});
