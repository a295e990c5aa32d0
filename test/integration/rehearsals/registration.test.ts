/**
 * Registration by the rollout controller, rehearsed on real Kubernetes controllers with access
 * control on: once the cluster has formed, every app, user and the controller's own token are
 * registered through an `_admin` node with the system token, read from their Secrets (which the
 * controller's Role names one by one); again when a Secret's value changes; a token Axon Server
 * would refuse is reported on the NodeRollout, naming the Secret, and never sent.
 */
import type { NodeRollout } from '../../../src/controller/api';
import { RESOURCES } from '../../../src/kube/client';
import { blueGreen, enterprise, environment, node, validModel } from '../../support/builders';
import { pause, useRehearsalCluster } from '../../support/node-rehearsal';
import { Rehearsal, STORAGE_CLASS } from '../../support/rehearsal';

jest.setTimeout(120_000);
const rehearsal = useRehearsalCluster();

const NAMESPACE = 'registration';
const SYSTEM_TOKEN = 'system-token-0123456789abcdef';
const PRIMARIES = ['axonserver-1', 'axonserver-2', 'axonserver-3'];

function secureEnvironment() {
  const volume = { size: '1Gi', storageClass: STORAGE_CLASS };
  return validModel(
    environment(
      enterprise(Object.fromEntries(PRIMARIES.map((n) => [n, 'PRIMARY' as const])), {
        nodes: PRIMARIES.map((n) => node(n, { volumes: { events: volume, data: volume, log: volume } })),
        accessControl: {
          enabled: true,
          systemTokenSecret: 'axonserver-system-token',
          internalTokenSecret: 'axonserver-internal-token',
          controllerTokenSecret: 'axon-deploy-controller-token',
        },
        registration: {
          users: [{ userName: 'platform-admin', passwordSecret: 'axonserver-admin-password', roles: ['ADMIN@_admin'] }],
        },
        rollout: { settleSeconds: 0 },
      }),
      [
        blueGreen('order-service', ['SERVING', '1.4.2'], ['INITIALISING', '1.5.0'], {
          tokenSecret: 'order-service-axon-token',
        }),
      ],
      { namespace: NAMESPACE, controller: { pollSeconds: 0.1 } },
    ),
  );
}

rehearsal.describe('registration by the rollout controller, with access control', () => {
  let r: Rehearsal;
  const secret = (name: string, key: string, value: string) =>
    r.applyObjects([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NAMESPACE }, stringData: { [key]: value } },
    ]);
  const registration = async () =>
    (await r.cluster.admin.get<NodeRollout>(RESOURCES.nodeRollouts, NAMESPACE, 'axonserver'))?.status?.registration;
  const posted = (path: string) =>
    r.axon.registered.filter((x) => x.path === path).map((x) => x.body as Record<string, unknown>);

  beforeAll(async () => {
    r = rehearsal.track(
      new Rehearsal(rehearsal.cluster(), NAMESPACE, secureEnvironment(), { systemToken: SYSTEM_TOKEN }),
    );
    await r.setUp();
    secret('axonserver-system-token', 'token', SYSTEM_TOKEN);
    secret('order-service-axon-token', 'token', 'order-service-token-0123456789');
    secret('axon-deploy-controller-token', 'token', 'controller-token-0123456789ab');
    secret('axonserver-admin-password', 'password', 'correct horse battery staple');
    await r.startController();
    await r.settled(90_000);
  }, 120_000);

  it('registers every app, its own token and every user once the cluster has formed, with the system token', async () => {
    await r.waitFor('the registration', async () => ((await registration())?.digest ? true : undefined));
    expect(posted('/v1/applications')).toEqual([
      {
        name: 'order-service',
        description: 'registered by axon-deploy',
        token: 'order-service-token-0123456789',
        roles: [{ context: 'orders', roles: ['USE_CONTEXT'] }],
      },
      {
        name: 'axon-deploy-controller',
        description: 'registered by axon-deploy',
        token: 'controller-token-0123456789ab',
        roles: [{ context: 'orders', roles: ['USE_CONTEXT'] }],
      },
    ]);
    expect(posted('/v1/users')).toEqual([
      { userName: 'platform-admin', password: 'correct horse battery staple', roles: ['ADMIN@_admin'] },
    ]);
    expect(r.axon.unauthorised).toEqual([]);
    const status = await registration();
    expect(status?.problem ?? undefined).toBeUndefined();
    // The status holds a keyed digest, never a token.
    expect(JSON.stringify(status)).not.toMatch(/token-0123|battery/);
  });

  it('reports a token Axon Server would refuse, naming its Secret, and sends nothing', async () => {
    const before = r.axon.registered.length;
    secret('order-service-axon-token', 'token', 'short');
    await r.waitFor('the problem on the NodeRollout', async () => ((await registration())?.problem ? true : undefined));
    expect((await registration())?.problem).toBe(
      'the token of order-service in Secret order-service-axon-token has 5 characters; Axon Server tokens need at least 16',
    );
    await pause(1_000);
    expect(r.axon.registered.length).toBe(before);
  });

  it('registers again when a Secret changes, and clears the problem', async () => {
    const before = r.axon.registered.length;
    secret('order-service-axon-token', 'token', 'order-service-token-rotated-42');
    await r.waitFor('the new token registered', () =>
      posted('/v1/applications').some((b) => b.token === 'order-service-token-rotated-42') ? true : undefined,
    );
    await r.waitFor('the problem cleared', async () => ((await registration())?.problem ? undefined : true));
    expect(r.axon.registered.length).toBeGreaterThan(before);
  });
});
