/**
 * Pure model tests: configurations from typed builders in, plain data out. No constructs, no
 * files: what the model decides (names, selectors, waves, colours, Secrets, checks).
 */
import { LABEL_INSTANCE, LABEL_NAME } from '../../src/domain/keys';
import { WAVE } from '../../src/domain/waves';
import { blueGreen, enterprise, environment, modelOf, node, rolling, standard, validModel } from '../builders';

const three = { 'axonserver-1': 'PRIMARY', 'axonserver-2': 'PRIMARY', 'axonserver-3': 'PRIMARY' } as const;

describe('Axon Server nodes', () => {
  const model = validModel(environment(enterprise({ ...three, archive: 'SECONDARY' })));
  const nodes = model.axonServer.nodes;

  it('selects each node by name and instance only; the pod carries the selector and the version', () => {
    for (const n of nodes) {
      expect(n.selector).toEqual({ [LABEL_NAME]: 'axonserver', [LABEL_INSTANCE]: n.name });
      expect(n.pod.labels).toMatchObject({ ...n.selector, 'app.kubernetes.io/version': '2025.1.5-jdk-17-nonroot' });
      for (const c of n.claims) expect(c.labels).toEqual({ [LABEL_NAME]: 'axonserver', [LABEL_INSTANCE]: n.name, 'app.kubernetes.io/component': 'axon-server' });
    }
  });

  it('decides the pod: non-root 1001 with fsGroup, the three ports, volumes at /axonserver paths, config and secrets read-only', () => {
    const pod = nodes[0].pod;
    expect(pod.user).toEqual({ runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 });
    const c = pod.containers[0];
    expect(c.ports).toEqual([{ name: 'grpc', containerPort: 8124 }, { name: 'http', containerPort: 8024 }, { name: 'internal', containerPort: 8224 }]);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.mounts).toEqual([
      { name: 'events', mountPath: '/axonserver/events' }, { name: 'data', mountPath: '/axonserver/data' }, { name: 'log', mountPath: '/axonserver/log' },
      { name: 'config', mountPath: '/axonserver/config', readOnly: true },
      { name: 'license', mountPath: '/axonserver/secrets/license', readOnly: true },
      { name: 'plugins', mountPath: '/axonserver/plugins' }, { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(c.probes!.liveness).toMatchObject({ path: '/actuator/info', port: 'http', scheme: 'HTTP' });
  });

  it('rolls non-voters first, then voters, one wave each after the Services', () => {
    expect(nodes.map((n) => [n.name, n.statefulSet.wave])).toEqual([
      ['axonserver-1', WAVE.firstNode + 1], ['axonserver-2', WAVE.firstNode + 2], ['axonserver-3', WAVE.firstNode + 3], ['archive', WAVE.firstNode],
    ]);
  });

  it('bootstraps from the first PRIMARY of _admin, and derives _admin from the PRIMARY nodes', () => {
    expect(model.axonServer.firstNode).toBe('axonserver-1');
    expect(model.axonServer.replicationGroups[0]).toEqual({
      name: '_admin', contexts: ['_admin'], derived: true,
      roles: [{ node: 'axonserver-1', role: 'PRIMARY' }, { node: 'axonserver-2', role: 'PRIMARY' }, { node: 'axonserver-3', role: 'PRIMARY' }],
    });
  });

  it('marks which nodes vote and which serve clients', () => {
    expect(nodes.map((n) => [n.name, n.voter, n.servesClients])).toEqual([
      ['axonserver-1', true, true], ['axonserver-2', true, true], ['axonserver-3', true, true], ['archive', false, false],
    ]);
  });

  it('refuses an even number of voters and a group without a PRIMARY', () => {
    expect(modelOf(environment(enterprise({ a: 'PRIMARY', b: 'PRIMARY' }))).errors).toEqual([
      expect.stringMatching(/^axonServer\.replicationGroups: the _admin replication group .* has 2 voters/),
      expect.stringMatching(/^axonServer\.replicationGroups\.0\.roles: replication group "orders" has 2 voters/),
    ]);
    expect(modelOf(environment(enterprise({ a: 'SECONDARY' }))).errors).toContain('axonServer.replicationGroups.0.roles: replication group "orders" has no PRIMARY node: every replication group needs at least one to lead it');
  });

  it('runs standard edition as one voting, client-serving node without groups', () => {
    const dev = validModel(environment(standard()));
    expect(dev.axonServer.replicationGroups).toEqual([]);
    expect(dev.axonServer.nodes.map((n) => [n.name, n.voter, n.servesClients])).toEqual([['axonserver', true, true]]);
    expect(dev.axonServer.firstNode).toBe('axonserver');
  });
});

describe('app releases', () => {
  const cluster = enterprise(three);

  it('points the live Service at the SERVING colour and the preview at the INITIALISING one', () => {
    const app = validModel(environment(cluster, [blueGreen('orders', ['SERVING', '1.0.0'], ['INITIALISING', '1.1.0'])])).apps[0];
    expect([app.liveColor, app.previewColor]).toEqual(['blue', 'green']);
    expect(app.deployments.map((d) => [d.meta.name, d.phase, d.meta.wave])).toEqual([
      ['orders-blue', 'SERVING', WAVE.serving], ['orders-green', 'INITIALISING', WAVE.notServing],
    ]);
    expect(app.liveService!.selector).toEqual({ [LABEL_NAME]: 'orders', 'axon-deploy.io/color': 'blue' });
  });

  it('previews a STANDING_BY colour when none is INITIALISING, and has no live Service without a SERVING colour', () => {
    const standby = validModel(environment(cluster, [blueGreen('orders', ['STANDING_BY', '1.0.0'], ['SERVING', '1.1.0'])])).apps[0];
    expect([standby.liveColor, standby.previewColor]).toEqual(['green', 'blue']);
    const { model, warnings } = modelOf(environment(cluster, [blueGreen('orders', ['INITIALISING', '1.0.0'], ['OBSOLETE', '1.0.0'])]));
    expect(model!.apps[0].liveService).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('no colour is SERVING while blue is running')]);
  });

  it('runs a cleanup Job as a PostSync hook for a CLEANING_UP colour, named by colour and version', () => {
    const app = validModel(environment(cluster, [blueGreen('orders', ['CLEANING_UP', '1.0.0'], ['SERVING', '1.1.0'])])).apps[0];
    expect(app.cleanupJobs.map((j) => [j.meta.name, j.meta.hook])).toEqual([['orders-blue-cleanup-1-0-0', { phase: 'PostSync', deletePolicy: 'BeforeHookCreation' }]]);
    expect(app.deployments.map((d) => d.meta.name)).toEqual(['orders-green']);
  });

  it('gives a rolling app one Deployment and the live Service', () => {
    const app = validModel(environment(cluster, [rolling('mailer', '2.0.0')])).apps[0];
    expect(app.deployments.map((d) => d.meta.name)).toEqual(['mailer']);
    expect(app.liveService!.meta.name).toBe('mailer');
    expect(app.colors).toEqual([]);
  });
});

describe('Secrets the environment needs', () => {
  it('lists every Secret with its keys and readers, sorted, and never a value', () => {
    const model = validModel(environment(
      enterprise(three, { accessControl: { enabled: true, systemTokenSecret: 'system', internalTokenSecret: 'internal' } }),
      [blueGreen('orders', ['SERVING', '1.0.0'], ['OBSOLETE', '1.0.0'], {
        tokenSecret: 'orders-token',
        readModel: { jdbcUrl: 'jdbc:postgresql://db:5432', database: 'orders', credentialsSecret: 'db' },
        env: { MAIL_PASSWORD: { secretName: 'mail', key: 'password' } },
      })],
    ));
    expect(model.secrets).toEqual([
      { name: 'axoniq-license', keys: ['axoniq.license'], usedBy: ['the Axon Server licence'] },
      { name: 'db', keys: ['password', 'username'], usedBy: ['orders (read-model database)'] },
      { name: 'internal', keys: ['token'], usedBy: ['the Axon Server internal token'] },
      { name: 'mail', keys: ['password'], usedBy: ['orders (env)'] },
      { name: 'orders-token', keys: ['token'], usedBy: ['orders (Axon Server token)'] },
      { name: 'system', keys: ['token'], usedBy: ['the Axon Server system token'] },
    ]);
  });
});

describe('names', () => {
  it('refuses two objects of one kind with one name, naming both fields', () => {
    const { errors } = modelOf(environment(enterprise(three, { nodes: [node('axonserver-1'), node('axonserver-2'), node('axonserver-3')] }), [rolling('axonserver-1', '1.0.0')]));
    expect(errors).toContain('apps.0.name: Service "axonserver-1" already exists: it is named by axonServer.nodes[0].name; choose another name');
  });
});
