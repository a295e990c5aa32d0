/**
 * Pure model tests: configurations from typed builders in, plain data out. No constructs, no
 * files: what the model decides (names, selectors, waves, colours, Secrets, checks).
 */
import { LABEL_INSTANCE, LABEL_NAME } from '../../../src/domain/keys';
import { WAVE } from '../../../src/domain/waves';
import {
  blueGreen,
  blueGreenOf,
  enterprise,
  environment,
  modelOf,
  node,
  rolling,
  standard,
  validModel,
} from '../../support/builders';

const three = { 'axonserver-1': 'PRIMARY', 'axonserver-2': 'PRIMARY', 'axonserver-3': 'PRIMARY' } as const;

describe('Axon Server nodes', () => {
  const model = validModel(environment(enterprise({ ...three, archive: 'SECONDARY' })));
  const nodes = model.axonServer.nodes;

  it('selects each node by name and instance only; the pod carries the selector and the version', () => {
    for (const n of nodes) {
      expect(n.selector).toEqual({ [LABEL_NAME]: 'axonserver', [LABEL_INSTANCE]: n.name });
      expect(n.pod.labels).toMatchObject({ ...n.selector, 'app.kubernetes.io/version': '2025.1.5-jdk-17-nonroot' });
      for (const c of n.claims)
        expect(c.labels).toEqual({
          [LABEL_NAME]: 'axonserver',
          [LABEL_INSTANCE]: n.name,
          'app.kubernetes.io/component': 'axon-server',
        });
    }
  });

  it('decides the pod: non-root 1001 with fsGroup, the four ports, volumes at /axonserver paths, config and secrets read-only', () => {
    const pod = nodes[0].pod;
    expect(pod.user).toEqual({ runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 });
    const c = pod.containers[0];
    expect(c.ports).toEqual([
      { name: 'grpc', containerPort: 8124 },
      { name: 'http', containerPort: 8024 },
      { name: 'internal', containerPort: 8224 },
      { name: 'management', containerPort: 8025 },
    ]);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.mounts).toEqual([
      { name: 'events', mountPath: '/axonserver/events' },
      { name: 'data', mountPath: '/axonserver/data' },
      { name: 'log', mountPath: '/axonserver/log' },
      { name: 'config', mountPath: '/axonserver/config', readOnly: true },
      { name: 'cluster-template', mountPath: '/axonserver/cluster-template', readOnly: true },
      { name: 'license', mountPath: '/axonserver/secrets/license', readOnly: true },
      { name: 'plugins', mountPath: '/axonserver/plugins' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'heapdumps', mountPath: '/axonserver/heapdumps' },
    ]);
    expect(c.probes!.liveness).toMatchObject({ path: '/actuator/info', port: 'management', scheme: 'HTTP' });
  });

  it('leaves restarts to the rollout controller: every node in the last wave, OnDelete, held and gated by it', () => {
    expect(new Set(nodes.map((n) => n.statefulSet.wave))).toEqual(new Set([WAVE.nodes]));
    for (const n of nodes) {
      expect(n.pod.schedulingGates).toEqual(['axon-deploy.io/start']);
      expect(n.pod.readinessGates).toEqual(['axon-deploy.io/in-cluster']);
    }
  });

  it('tells the controller the order it restarts nodes in: nodes that do not vote first, then the voters', () => {
    expect(model.controller.nodeRollout.spec.nodes.map((n) => [n.name, n.voter])).toEqual([
      ['archive', false],
      ['axonserver-1', true],
      ['axonserver-2', true],
      ['axonserver-3', true],
    ]);
    expect(model.controller.nodeRollout.spec.bootstrapNode).toBe('axonserver-1');
  });

  it('bootstraps from the first PRIMARY of _admin (or the first node), and derives _admin from the PRIMARY nodes', () => {
    expect(model.axonServer.firstNode).toBe('axonserver-1');
    expect(model.axonServer.replicationGroups[0]).toEqual({
      name: '_admin',
      contexts: ['_admin'],
      derived: true,
      roles: [
        { node: 'axonserver-1', role: 'PRIMARY' },
        { node: 'axonserver-2', role: 'PRIMARY' },
        { node: 'axonserver-3', role: 'PRIMARY' },
      ],
    });
  });

  it('marks which nodes vote and which serve clients', () => {
    expect(nodes.map((n) => [n.name, n.voter, n.servesClients])).toEqual([
      ['axonserver-1', true, true],
      ['axonserver-2', true, true],
      ['axonserver-3', true, true],
      ['archive', false, false],
    ]);
  });

  it('needs an odd number of PRIMARY nodes per group; ACTIVE_BACKUP nodes count on their own', () => {
    expect(modelOf(environment(enterprise({ a: 'PRIMARY', b: 'PRIMARY', c: 'ACTIVE_BACKUP' }))).errors).toEqual([
      expect.stringMatching(
        /^axonServer\.replicationGroups: the _admin replication group .* has 2 PRIMARY nodes; use an odd number/,
      ),
      'axonServer.replicationGroups.0.roles: replication group "orders" has 2 PRIMARY nodes; use an odd number: the group is available while a majority of its PRIMARY nodes (2 of 2) is up, so it survives the loss of only 0, no more than with 1 (ACTIVE_BACKUP nodes do not count towards this majority)',
    ]);
    const accepted = modelOf(environment(enterprise({ a: 'PRIMARY', b: 'PRIMARY', c: 'PRIMARY', d: 'ACTIVE_BACKUP' })));
    expect(accepted.errors).toEqual([]);
    expect(accepted.warnings).toEqual([
      'axonServer.replicationGroups.0.roles: replication group "orders" has a single ACTIVE_BACKUP node: every write waits for its confirmation (min-active-backups is 1 by default), so losing it stops writes; add a second one, or make it a PASSIVE_BACKUP',
    ]);
    expect(
      modelOf(
        environment(enterprise({ a: 'PRIMARY', b: 'PRIMARY', c: 'PRIMARY', d: 'ACTIVE_BACKUP', e: 'ACTIVE_BACKUP' })),
      ).warnings,
    ).toEqual([]);
    expect(modelOf(environment(enterprise({ a: 'SECONDARY' }))).errors).toContain(
      'axonServer.replicationGroups.0.roles: replication group "orders" has no PRIMARY node: every replication group needs at least one to lead it',
    );
  });

  it("warns when one zone holds a majority of a group's primaries", () => {
    const zoned = enterprise(three, {
      nodes: [
        node('axonserver-1', { zone: 'a' }),
        node('axonserver-2', { zone: 'a' }),
        node('axonserver-3', { zone: 'b' }),
      ],
    });
    expect(modelOf(environment(zoned)).warnings).toContain(
      'axonServer.replicationGroups.0.roles: zone a holds 2 of the 3 PRIMARY nodes of replication group "orders": losing that zone makes the group unavailable; spread the primaries over more zones',
    );
  });

  it('keeps the cluster template apart, updated in place, so adding a node restarts no other node', () => {
    expect(model.axonServer.clusterTemplate!.meta.name).toBe('axonserver-cluster-template');
    const more = validModel(environment(enterprise({ ...three, archive: 'SECONDARY', 'archive-2': 'SECONDARY' })));
    expect(more.axonServer.config.meta.name).toBe(model.axonServer.config.meta.name);
    for (const n of nodes) expect(more.axonServer.nodes.find((x) => x.name === n.name)!.pod).toEqual(n.pod);
  });

  it('keeps the configuration in a revision named by its content, pruned last, that every node mounts', () => {
    const config = model.axonServer.config;
    expect(config.meta.name).toBe(`axonserver-config-${config.checksum!.slice(0, 10)}`);
    expect(config.meta.pruneLast).toBe(true);
    for (const n of nodes)
      expect(n.pod.volumes).toContainEqual({ kind: 'configMap', name: 'config', configMap: config.meta.name });
    const changed = validModel(
      environment(
        enterprise(
          { ...three, archive: 'SECONDARY' },
          { properties: { 'axoniq.axonserver.event.segment-size': '512MB' } },
        ),
      ),
    );
    expect(changed.axonServer.config.meta.name).not.toBe(config.meta.name);
  });

  it('gives the controller exactly the rights it uses: Secrets by name, no cluster-wide rights', () => {
    const secured = validModel(
      environment(
        enterprise(three, {
          accessControl: { enabled: true, systemTokenSecret: 'system', internalTokenSecret: 'internal' },
        }),
      ),
    );
    const rules = secured.controller.role.rules;
    expect(rules.find((r) => r.resources.includes('secrets'))).toEqual({
      apiGroups: [''],
      resources: ['secrets'],
      verbs: ['get'],
      resourceNames: ['system'],
    });
    for (const r of rules) expect(r.verbs).not.toContain('*');
    expect(rules.flatMap((r) => r.resources)).not.toContain('statefulsets/scale');
    expect(secured.controller.nodeRollout.spec.axonServer.systemToken).toEqual({ name: 'system', key: 'token' });
    expect(secured.controller.deployment.pod.serviceAccount).toBe('axon-deploy-controller');
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
    const app = blueGreenOf(
      validModel(environment(cluster, [blueGreen('orders', ['SERVING', '1.0.0'], ['INITIALISING', '1.1.0'])])).apps[0],
    );
    expect([app.liveColor, app.previewColor]).toEqual(['blue', 'green']);
    expect(app.deployments.map((d) => [d.meta.name, d.phase, d.meta.wave])).toEqual([
      ['orders-blue', 'SERVING', WAVE.serving],
      ['orders-green', 'INITIALISING', WAVE.notServing],
    ]);
    expect(app.liveService!.selector).toEqual({ [LABEL_NAME]: 'orders', 'axon-deploy.io/color': 'blue' });
  });

  it('previews a STANDING_BY colour when none is INITIALISING, and has no live Service without a SERVING colour', () => {
    const standby = blueGreenOf(
      validModel(environment(cluster, [blueGreen('orders', ['STANDING_BY', '1.0.0'], ['SERVING', '1.1.0'])])).apps[0],
    );
    expect([standby.liveColor, standby.previewColor]).toEqual(['green', 'blue']);
    const { model, warnings } = modelOf(
      environment(cluster, [blueGreen('orders', ['INITIALISING', '1.0.0'], ['OBSOLETE', '1.0.0'])]),
    );
    expect(model!.apps[0].liveService).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('no colour is SERVING while blue is running')]);
  });

  it('runs a cleanup Job as a PostSync hook for a CLEANING_UP colour, named by colour and version', () => {
    const app = blueGreenOf(
      validModel(environment(cluster, [blueGreen('orders', ['CLEANING_UP', '1.0.0'], ['SERVING', '1.1.0'])])).apps[0],
    );
    expect(app.cleanupJobs.map((j) => [j.meta.name, j.meta.hook])).toEqual([
      ['orders-blue-cleanup-1-0-0', { phase: 'PostSync', deletePolicy: 'BeforeHookCreation' }],
    ]);
    expect(app.deployments.map((d) => d.meta.name)).toEqual(['orders-green']);
  });

  it('gives a rolling app one Deployment and the live Service', () => {
    const app = validModel(environment(cluster, [rolling('mailer', '2.0.0')])).apps[0];
    expect(app.deployments.map((d) => d.meta.name)).toEqual(['mailer']);
    expect(app.liveService!.meta.name).toBe('mailer');
    expect(app.strategy).toBe('rolling');
  });
});

describe('Secrets the environment needs', () => {
  it('lists every Secret with its keys and readers, sorted, and never a value', () => {
    const model = validModel(
      environment(
        enterprise(three, {
          accessControl: {
            enabled: true,
            systemTokenSecret: 'system',
            internalTokenSecret: 'internal',
            controllerTokenSecret: 'controller',
          },
        }),
        [
          blueGreen('orders', ['SERVING', '1.0.0'], ['OBSOLETE', '1.0.0'], {
            tokenSecret: 'orders-token',
            readModel: { jdbcUrl: 'jdbc:postgresql://db:5432', database: 'orders', credentialsSecret: 'db' },
            env: { MAIL_PASSWORD: { secretName: 'mail', key: 'password' } },
          }),
        ],
      ),
    );
    expect(model.secrets).toEqual([
      { name: 'axoniq-license', keys: ['axoniq.license'], usedBy: ['the Axon Server licence'] },
      { name: 'controller', keys: ['token'], usedBy: ['the rollout controller (its own token)'] },
      { name: 'db', keys: ['password', 'username'], usedBy: ['orders (read-model database)'] },
      { name: 'internal', keys: ['token'], usedBy: ['the Axon Server internal token'] },
      { name: 'mail', keys: ['password'], usedBy: ['orders (env)'] },
      // Read by the app, and by the controller that registers it.
      {
        name: 'orders-token',
        keys: ['token'],
        usedBy: ['orders (Axon Server token)', 'orders (registered by the controller)'],
      },
      { name: 'system', keys: ['token'], usedBy: ['the Axon Server system token'] },
    ]);
  });
});

describe('names', () => {
  it('refuses two objects of one kind with one name, naming both fields', () => {
    const { errors } = modelOf(
      environment(enterprise(three, { nodes: [node('axonserver-1'), node('axonserver-2'), node('axonserver-3')] }), [
        rolling('axonserver-1', '1.0.0'),
      ]),
    );
    expect(errors).toContain(
      'apps.0.name: Service "axonserver-1" already exists: it is named by axonServer.nodes[0].name; choose another name',
    );
  });
});
