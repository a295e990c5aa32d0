/**
 * The registration Job's script against a fake Axon Server on loopback: it waits until the
 * cluster answers, registers each app's token with its roles in its context (POST
 * /v1/applications) and each user (POST /v1/users) in the JSON shapes of axonserver-cli and
 * UserRestController, sends the system token, never prints a secret, and refuses a short token.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REGISTER_SCRIPT } from '../../../src/jobs/register';
import { tempDir } from '../../support/helpers';
import { fakeAxonServer, FakeServer, runScript } from '../../support/fake-axon-server';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function secrets(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, value] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), `${value}\n`);
  return dir;
}

const ok = () => ({ status: 200, body: '' });

async function register(dir: string, extra: Record<string, string> = {}, me: (call: number) => number = () => 200) {
  server = await fakeAxonServer({
    'GET /v1/public/me': ({ call }) => ({
      status: me(call),
      body: me(call) === 200 ? { name: 'axonserver-1' } : 'starting',
    }),
    'POST /v1/applications': ok,
    'POST /v1/users': ok,
  });
  return runScript(REGISTER_SCRIPT, {
    AXONSERVER_URL: server.url,
    GATE_TOKEN_FILE: path.join(dir, 'system'),
    GATE_TIMEOUT_SECONDS: '2',
    REGISTER_APPS: JSON.stringify([
      {
        name: 'order-service',
        context: 'orders',
        roles: ['USE_CONTEXT'],
        tokenFile: path.join(dir, 'order-token'),
        tokenSecret: 'order-service-axon-token',
      },
    ]),
    REGISTER_USERS: JSON.stringify([
      {
        userName: 'platform-admin',
        roles: ['ADMIN@_admin'],
        passwordFile: path.join(dir, 'admin-password'),
        passwordSecret: 'axonserver-admin-password',
      },
    ]),
    ...extra,
  });
}

it("registers every app and user with the system token, in Axon Server's JSON shapes, printing no secret", async () => {
  const dir = secrets({
    system: 'system-token-value',
    'order-token': 'order-token-0123456789',
    'admin-password': 'correct horse battery',
  });
  const r = await register(dir);
  expect(r.code).toBe(0);
  const posts = server!.requests.filter((q) => q.method === 'POST');
  expect(posts.map((q) => [q.path, q.body])).toEqual([
    [
      '/v1/applications',
      {
        name: 'order-service',
        description: 'registered by axon-deploy',
        token: 'order-token-0123456789',
        roles: [{ context: 'orders', roles: ['USE_CONTEXT'] }],
      },
    ],
    ['/v1/users', { userName: 'platform-admin', password: 'correct horse battery', roles: ['ADMIN@_admin'] }],
  ]);
  expect(new Set(server!.tokens)).toEqual(new Set(['system-token-value']));
  expect(r.stdout).toContain('registered app order-service in context orders (USE_CONTEXT)');
  expect(r.stdout).toContain('registration passed: 1 apps and 1 users registered');
  expect(`${r.stdout}${r.stderr}`).not.toMatch(/order-token-0123456789|correct horse/);
});

it('waits while the cluster does not answer yet, then registers', async () => {
  const dir = secrets({ system: 's', 'order-token': 'order-token-0123456789', 'admin-password': 'pw' });
  const r = await register(dir, { GATE_TIMEOUT_SECONDS: '5' }, (call) => (call < 3 ? 503 : 200));
  expect(r.stdout).toContain('waiting: /v1/public/me: HTTP 503 starting');
  expect(r.code).toBe(0);
});

it('refuses a token shorter than 16 characters, naming the Secret, without sending it', async () => {
  const dir = secrets({ system: 's', 'order-token': 'short', 'admin-password': 'pw' });
  const r = await register(dir);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    'registration failed: the token of order-service in Secret order-service-axon-token has 5 characters; Axon Server tokens need at least 16\n',
  );
  expect(server!.requests.filter((q) => q.method === 'POST')).toEqual([]);
});

it('fails at once when a Secret file is missing', async () => {
  const dir = secrets({ system: 's', 'admin-password': 'pw' });
  const r = await register(dir);
  expect(r.stderr).toBe(
    'registration failed: cannot read the token of order-service from Secret order-service-axon-token (ENOENT)\n',
  );
});
