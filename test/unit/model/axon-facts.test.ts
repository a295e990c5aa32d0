/**
 * Axon Server as it really behaves (issue 18): what the rendered cluster promises, checked on
 * the objects and properties the model renders. Each case fails on the model before the fix.
 */
import { synthesizeEnvironment } from '../../../src/synth/render';
import type { KubeObject } from '../../../src/synth/render';
import { asObject, objectsOf, valueAt } from '../../../src/validate/json-view';
import type { EnvironmentModel } from '../../../src/model/types';
import { shippedAssets } from '../../../src/assets';
import { configDbFileOf, restorePlan, RestoreRefused } from '../../../src/model/restore';
import { enterprise, environment, modelOf, node, standard, validModel } from '../../support/builders';

const three = { 'axonserver-1': 'PRIMARY', 'axonserver-2': 'PRIMARY', 'axonserver-3': 'PRIMARY' } as const;

/** axonserver.properties of a model, as key -> value. */
function properties(model: EnvironmentModel): Map<string, string> {
  const text = model.axonServer.config.files.find(([name]) => name === 'axonserver.properties')?.[1] ?? '';
  return new Map(
    text
      .split('\n')
      .filter((l) => l.includes('=') && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

const objectOf = (objects: readonly KubeObject[], kind: string, name: string): unknown => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
};

describe('the actuator is never published by the UI Ingress or HTTPRoute (item 8)', () => {
  const model = validModel(
    environment(
      enterprise(three, {
        ui: {
          allowedFrom: [{ namespace: 'ingress-nginx', podLabels: { app: 'ingress-nginx' } }],
          ingress: { host: 'axonserver.example.com' },
          httpRoute: { parentRefs: [{ name: 'gateway' }], hostnames: ['axonserver.example.com'] },
        },
      }),
      [],
      { monitoring: { enabled: true, scrapers: [{ namespace: 'monitoring' }] } },
    ),
  );
  const objects = synthesizeEnvironment(model);
  const props = properties(model);

  it('serves the actuator on its own port, which the UI Service does not expose', () => {
    const port = props.get('management.server.port');
    expect(port).toBe('8025');
    expect(props.get('server.port')).toBe('8024');
    const service = objectOf(objects, 'Service', 'axonserver-ui');
    expect(objectsOf(valueAt(service, 'spec', 'ports')).map((p) => p.port)).toEqual([8024]);
    const ingressBackend = valueAt(objectOf(objects, 'Ingress', 'axonserver-ui'), 'spec', 'rules');
    expect(JSON.stringify(ingressBackend)).toContain('"number":8024');
    expect(JSON.stringify(ingressBackend)).not.toContain(port);
    const route = objectOf(objects, 'HTTPRoute', 'axonserver-ui');
    expect(objectsOf(valueAt(objectsOf(valueAt(route, 'spec', 'rules'))[0], 'backendRefs'))[0]).toMatchObject({
      name: 'axonserver-ui',
      port: 8024,
    });
  });

  it('lets the ingress controller reach 8024 only; Prometheus reaches the actuator, not the UI', () => {
    const rules = objectsOf(valueAt(objectOf(objects, 'NetworkPolicy', 'axonserver'), 'spec', 'ingress'));
    const reach = (namespace: string) =>
      rules
        .filter((r) => JSON.stringify(r.from).includes(`"kubernetes.io/metadata.name":"${namespace}"`))
        .flatMap((r) => objectsOf(r.ports).map((p) => p.port));
    expect(reach('ingress-nginx')).toEqual([8024]);
    expect(reach('monitoring')).toEqual([8025]);
  });

  it('shows health details only to callers with a token, and probes and scrapes the management port', () => {
    expect(props.get('management.endpoint.health.show-details')).toBe('when-authorized');
    const probes = model.axonServer.nodes[0].pod.containers[0].probes;
    expect([probes?.startup.port, probes?.liveness.port, probes?.readiness.port]).toEqual([
      'management',
      'management',
      'management',
    ]);
    expect(model.axonServer.podMonitor?.port).toBe('management');
  });
});

describe('apps never land on nodes that must not serve them (item 4)', () => {
  it('forces client connections to PRIMARY or MESSAGING_ONLY nodes when a group has other roles', () => {
    const archive = validModel(environment(enterprise({ ...three, 'archive-1': 'SECONDARY' })));
    expect(properties(archive).get('axoniq.axonserver.force-connection-to-primary-or-messaging-node')).toBe('true');
    const backups = validModel(
      environment(enterprise({ ...three, 'backup-1': 'ACTIVE_BACKUP', 'backup-2': 'ACTIVE_BACKUP' })),
    );
    expect(properties(backups).get('axoniq.axonserver.force-connection-to-primary-or-messaging-node')).toBe('true');
  });

  it('leaves the default where every node may serve clients', () => {
    const primaries = validModel(environment(enterprise(three)));
    expect(properties(primaries).has('axoniq.axonserver.force-connection-to-primary-or-messaging-node')).toBe(false);
    expect(
      properties(validModel(environment(standard()))).has(
        'axoniq.axonserver.force-connection-to-primary-or-messaging-node',
      ),
    ).toBe(false);
  });
});

describe('plugins persist (item 9)', () => {
  it('keeps uploaded plugins on the data volume; only the unpacked cache is scratch', () => {
    const model = validModel(environment(enterprise(three)));
    const props = properties(model);
    expect(props.get('axoniq.axonserver.plugin-package-directory')).toBe('/axonserver/data/plugins/bundles');
    expect(props.get('axoniq.axonserver.plugin-cache-directory')).toBe('/axonserver/plugins/cache');
    const pod = model.axonServer.nodes[0].pod;
    const dataMount = pod.containers[0].mounts.find((m) => m.name === 'data');
    expect(dataMount?.mountPath).toBe('/axonserver/data');
    expect(pod.volumes.find((v) => v.name === 'data')).toBeUndefined(); // a claim template, not a pod volume
  });

  it("uses a node's own plugins volume when it has one", () => {
    const withVolume = enterprise(three, {
      nodes: Object.keys(three).map((n, i) =>
        node(
          n,
          i === 0
            ? {
                volumes: {
                  events: { size: '1Gi' },
                  data: { size: '1Gi' },
                  log: { size: '1Gi' },
                  plugins: { size: '1Gi' },
                },
              }
            : {},
        ),
      ),
    });
    const model = validModel(environment(withVolume));
    const env = (i: number) =>
      asObject(
        Object.fromEntries(
          model.axonServer.nodes[i].pod.containers[0].env.map((e) => [e.name, 'value' in e ? e.value : '(secret)']),
        ),
      );
    expect(env(0).AXONIQ_AXONSERVER_PLUGIN_PACKAGE_DIRECTORY).toBe('/axonserver/plugins/bundles');
    expect(env(1).AXONIQ_AXONSERVER_PLUGIN_PACKAGE_DIRECTORY).toBeUndefined();
  });
});

describe('restore keeps Raft safe (item 3)', () => {
  const backedUp = (extra = {}) =>
    validModel(
      environment(enterprise({ ...three, 'archive-1': 'SECONDARY' }, { backup: { enabled: true }, ...extra })),
    );

  it('refuses one voter alone, allows the whole cluster or nodes that do not vote', () => {
    const model = backedUp();
    expect(() => restorePlan(model, '20261201t020000z', ['axonserver-2'], shippedAssets())).toThrow(RestoreRefused);
    expect(restorePlan(model, '20261201t020000z', [], shippedAssets()).configDbJobs.map((j) => j.meta.name)).toEqual([
      'axonserver-1-restore-configdb',
      'axonserver-2-restore-configdb',
      'axonserver-3-restore-configdb',
    ]);
    const archive = restorePlan(model, '20261201t020000z', ['archive-1'], shippedAssets());
    expect([archive.nonVoters, archive.configDbJobs]).toEqual([['archive-1'], []]);
  });

  it('reads the config database file name of the image version (2024.0 renamed it)', () => {
    expect(configDbFileOf('2025.1.5-jdk-17-nonroot')).toBe('axonserver-configdb.mv.db');
    expect(configDbFileOf('2024.0.0')).toBe('axonserver-configdb.mv.db');
    expect(configDbFileOf('2023.2.4-jdk-17-nonroot')).toBe('axonserver-controldb.mv.db');
    expect(configDbFileOf('sha256:abc')).toBe('');
  });

  it('lets the bootstrap node move to another PRIMARY of _admin, and only there', () => {
    expect(backedUp({ bootstrapNode: 'axonserver-2' }).axonServer.firstNode).toBe('axonserver-2');
    const { errors } = modelOf(
      environment(enterprise({ ...three, 'archive-1': 'SECONDARY' }, { bootstrapNode: 'archive-1' })),
    );
    expect(errors).toEqual([
      'axonServer.bootstrapNode: expected a PRIMARY node of _admin (axonserver-1, axonserver-2, axonserver-3), got "archive-1": the node that forms a clean cluster leads _admin',
    ]);
  });
});
