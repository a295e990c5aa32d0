/**
 * `axon-deploy status` against a real kube-apiserver: the NodeRollout the controller reports on,
 * read through a kubeconfig, as text and as JSON, with its exit statuses.
 */
import { stringify } from 'yaml';
import { Kubectl } from '../../../src/validate/api-server';
import type { AppReleaseStatus, NodeRolloutStatus } from '../../../src/controller/api';
import { cli, fixture, fixtureProject } from '../../support/helpers';

const kubeconfig = process.env.AXON_DEPLOY_TEST_KUBECONFIG;
const kubectlBinary = process.env.AXON_DEPLOY_TEST_KUBECTL;
const withServer = kubeconfig && kubectlBinary ? describe : describe.skip;
const kubectl = () => new Kubectl(kubectlBinary!, kubeconfig!);

jest.setTimeout(60_000);

const STATUS: NodeRolloutStatus = {
  observedGeneration: 1,
  phase: 'Waiting',
  message: 'waiting to restart axonserver-2: axonserver-3 is 500 entries behind the leader of orders (at most 100)',
  waitingFor: 'behind:axonserver-3:orders',
  waitingSince: '2026-12-06T12:00:00Z',
  nodes: [
    {
      name: 'axonserver-1',
      revision: 'current',
      state: 'Ready',
      roles: ['PRIMARY@_admin', 'PRIMARY@orders'],
      lag: { _admin: 0, orders: 0 },
      inCluster: true,
    },
    {
      name: 'axonserver-3',
      revision: 'current',
      state: 'Ready',
      roles: ['PRIMARY@_admin', 'PRIMARY@orders'],
      lag: { _admin: 0, orders: 500 },
      inCluster: false,
    },
  ],
  lastRestart: {
    node: 'axonserver-3',
    at: '2026-12-06T11:59:00Z',
    reason: 'axonserver-3 restarts with the new revision',
  },
  conditions: [],
};

const RELEASE: AppReleaseStatus = {
  observedGeneration: 1,
  phase: 'Waiting',
  message: 'waiting to switch to green: orders-view-green is 5000 events behind (at most 100)',
  serving: 'blue',
  waitingFor: 'switch:green:1',
  waitingSince: '2026-12-06T12:00:00Z',
  colors: {
    blue: {
      version: '1.4.2',
      declaredPhase: 'STANDING_BY',
      effectivePhase: 'SERVING',
      readyReplicas: 3,
      processors: [{ name: 'orders-view-blue', lag: 3 }],
      commands: 2,
      queries: 1,
      readyToServe: true,
    },
    green: {
      version: '1.5.0',
      declaredPhase: 'SERVING',
      effectivePhase: 'INITIALISING',
      readyReplicas: 3,
      processors: [{ name: 'orders-view-green', lag: 5000, behind: 'is 5000 events behind (at most 100)' }],
      commands: 0,
      queries: 0,
      readyToServe: false,
    },
  },
  conditions: [],
};

/** Applies one of the prod fixture's objects (as Argo CD would) with a status (as the controller would). */
function installObject(kind: string, resource: string, status: object): void {
  const k = kubectl();
  const object = fixture('prod').objects.find((o) => o.kind === kind)!;
  const ns = object.metadata.namespace!;
  k.run(['create', 'namespace', ns]);
  const applied = k.run(['apply', '-f', '-'], stringify(object));
  if (applied.status !== 0) throw new Error(applied.stderr);
  const patched = k.run([
    'patch',
    resource,
    object.metadata.name,
    '-n',
    ns,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status }),
  ]);
  if (patched.status !== 0) throw new Error(patched.stderr);
}

function install(status: NodeRolloutStatus): void {
  installObject('NodeRollout', 'noderollout', status);
  installObject('AppRelease', 'apprelease', RELEASE);
}

withServer('axon-deploy status', () => {
  const dir = fixtureProject();

  it('says when an environment has no NodeRollout yet (exit 3)', async () => {
    const r = await cli(['status', 'staging', '--kubeconfig', kubeconfig!], dir);
    expect([r.status, r.stderr]).toEqual([
      3,
      'axon-deploy status: no NodeRollout axonserver in orders-staging: the environment has not been synced yet (or the namespace is wrong)\n',
    ]);
  });

  it("reads the namespace from config/<env>.yaml and shows the controller's phase, reason and nodes", async () => {
    install(STATUS);
    const r = await cli(['status', 'prod'], dir, { KUBECONFIG: kubeconfig });
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^orders-prod NodeRollout\/axonserver: Waiting since 2026-12-06T12:00:00Z \(.* ago\)$/);
    expect(lines.slice(1)).toEqual([
      '  waiting to restart axonserver-2: axonserver-3 is 500 entries behind the leader of orders (at most 100)',
      '',
      'node          state  revision  in cluster  roles                           behind the leader',
      'axonserver-1  Ready  current   yes         PRIMARY@_admin, PRIMARY@orders  _admin 0, orders 0',
      'axonserver-3  Ready  current   no          PRIMARY@_admin, PRIMARY@orders  _admin 0, orders 500',
      '',
      'last restart: axonserver-3 at 2026-12-06T11:59:00Z: axonserver-3 restarts with the new revision',
      '',
      expect.stringMatching(
        /^orders-prod AppRelease\/order-service: Waiting since 2026-12-06T12:00:00Z \(.* ago\), blue serves$/,
      ),
      '  waiting to switch to green: orders-view-green is 5000 events behind (at most 100)',
      '',
      'colour  version  declared     effective     live  ready pods  handlers               ready to serve  processors (events behind)',
      'blue    1.4.2    STANDING_BY  SERVING       yes   3           2 commands, 1 queries  yes             orders-view-blue 3',
      'green   1.5.0    SERVING      INITIALISING  no    3           0 commands, 0 queries  no              orders-view-green is 5000 events behind (at most 100)',
      '',
    ]);
  });

  it('prints the status as JSON, and exits 1 when the roll is Stuck', async () => {
    kubectl().run([
      'patch',
      'noderollout',
      'axonserver',
      '-n',
      'orders-prod',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { phase: 'Stuck' } }),
    ]);
    const r = await cli(['status', '-n', 'orders-prod', '--kubeconfig', kubeconfig!, '--format', 'json'], dir);
    expect(r.status).toBe(1);
    const parsed = JSON.parse(r.stdout) as {
      namespace: string;
      nodes: NodeRolloutStatus;
      apps: Record<string, AppReleaseStatus>;
    };
    expect(parsed.namespace).toBe('orders-prod');
    expect(parsed.nodes).toMatchObject({ phase: 'Stuck', waitingFor: 'behind:axonserver-3:orders' });
    expect(parsed.apps['order-service']).toMatchObject({ phase: 'Waiting', serving: 'blue' });
  });

  it('is a usage error without an environment, with an unknown one, or with a bad kubeconfig', async () => {
    expect((await cli(['status'], dir)).stderr).toContain('status needs an environment (or --namespace)');
    expect((await cli(['status', 'qa', '--kubeconfig', kubeconfig!], dir)).stderr).toContain(
      'no valid environment qa in config/ (environments: dev, prod, staging); or give --namespace',
    );
    const bad = await cli(['status', 'prod', '--kubeconfig', 'missing.yaml'], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('cannot use the kubeconfig');
  });
});
