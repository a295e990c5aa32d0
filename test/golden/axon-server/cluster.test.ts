import { heapOptions } from '../../../src/model/axon-server';
import type { KubeObject } from '../../../src/synth/render';
import {
  clusterTemplateOf,
  container,
  defined,
  envOf,
  find,
  fixture,
  has,
  ofKind,
  prodWith,
  propertiesOf,
  synthText,
} from '../../support/helpers';
import { volumeOf } from '../../support/manifests';

const prod = fixture('prod').objects;
const NODES = ['axonserver-1', 'axonserver-2', 'axonserver-3', 'axonserver-archive-1', 'axonserver-archive-2'];

describe('one singleton StatefulSet per node', () => {
  it('has exactly the five prod nodes, each with replicas 1', () => {
    expect(
      ofKind(prod, 'StatefulSet')
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(NODES);
    for (const name of NODES) expect(find(prod, 'StatefulSet', name).spec.replicas).toBe(1);
  });

  it.each(NODES)('%s: serviceName, stable selector, PVC retention, ordered pod management', (name) => {
    const sts = find(prod, 'StatefulSet', name);
    expect(sts.metadata.namespace).toBe('orders-prod');
    expect(sts.spec.serviceName).toBe(name);
    expect(sts.spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'axonserver', 'app.kubernetes.io/instance': name },
    });
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    // the selector is a subset of the pod labels, and holds no version
    expect(sts.spec.template.metadata.labels).toMatchObject(defined(sts.spec.selector.matchLabels));
    expect(JSON.stringify(sts.spec.selector)).not.toMatch(/version|cdk8s/);
  });

  it('gives each node its own volume claim templates, on its own storage classes', () => {
    const claims = (name: string) =>
      defined(find(prod, 'StatefulSet', name).spec.volumeClaimTemplates).map((t) => [
        t.metadata?.name,
        t.spec?.resources?.requests?.storage,
        t.spec?.storageClassName,
      ]);
    expect(claims('axonserver-1')).toEqual([
      ['events', '500Gi', 'axon-fast'],
      ['data', '10Gi', 'axon-fast'],
      ['log', '20Gi', 'axon-fast'],
    ]);
    expect(claims('axonserver-archive-2')).toEqual([
      ['events', '4Ti', 'axon-archive'],
      ['data', '10Gi', 'axon-fast'],
      ['log', '20Gi', 'axon-fast'],
    ]);
    for (const t of defined(find(prod, 'StatefulSet', 'axonserver-1').spec.volumeClaimTemplates)) {
      expect(t).toMatchObject({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        spec: { accessModes: ['ReadWriteOnce'] },
      });
      // immutable once created: no version and no user labels in claim templates
      expect(Object.keys(defined(t.metadata?.labels)).sort()).toEqual([
        'app.kubernetes.io/component',
        'app.kubernetes.io/instance',
        'app.kubernetes.io/name',
      ]);
    }
  });

  it('mounts the volumes at the /axonserver paths of current images', () => {
    const mounts = Object.fromEntries(
      defined(container(find(prod, 'StatefulSet', 'axonserver-1')).volumeMounts).map((m) => [m.name, m.mountPath]),
    );
    expect(mounts).toMatchObject({
      events: '/axonserver/events',
      data: '/axonserver/data',
      log: '/axonserver/log',
      config: '/axonserver/config',
      tmp: '/tmp',
    });
    expect(Object.values(mounts)).not.toContain('/data');
    expect(Object.values(mounts)).not.toContain('/eventdata');
  });

  it('mounts plugins and exts volumes when a node has them', () => {
    const text = prodWith((c) => {
      c.axonServer.nodes[0].volumes.plugins = { size: '1Gi' };
      c.axonServer.nodes[0].volumes.exts = { size: '1Gi' };
    });
    const sts = find(synthText('prod', text).objects, 'StatefulSet', 'axonserver-1');
    expect(defined(sts.spec.volumeClaimTemplates).map((t) => t.metadata?.name)).toEqual([
      'events',
      'data',
      'log',
      'plugins',
      'exts',
    ]);
    const mounts = defined(container(sts).volumeMounts).map((m) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/axonserver/plugins', '/axonserver/exts']));
  });

  it('has a headless Service per node that publishes not-ready addresses, with the four named ports', () => {
    for (const name of NODES) {
      const svc = find(prod, 'Service', name);
      expect(svc.spec.clusterIP).toBe('None');
      expect(svc.spec.publishNotReadyAddresses).toBe(true);
      expect(svc.spec.selector).toEqual(find(prod, 'StatefulSet', name).spec.selector.matchLabels);
      expect(defined(svc.spec.ports).map((p) => [p.name, p.port, p.targetPort])).toEqual([
        ['grpc', 8124, 'grpc'],
        ['http', 8024, 'http'],
        ['internal', 8224, 'internal'],
        ['management', 8025, 'management'],
      ]);
    }
  });
});

describe('node identity, tags and placement', () => {
  const sts = find(prod, 'StatefulSet', 'axonserver-2');
  const env = envOf(container(sts));
  const properties = propertiesOf(prod);

  it('derives name, hostname and internal hostname from the node name, the domain from the namespace', () => {
    expect(env).toMatchObject({
      AXONIQ_AXONSERVER_NAME: 'axonserver-2',
      AXONIQ_AXONSERVER_HOSTNAME: 'axonserver-2',
      AXONIQ_AXONSERVER_INTERNAL_HOSTNAME: 'axonserver-2',
    });
    expect(properties).toContain('axoniq.axonserver.domain=orders-prod.svc.cluster.local\n');
    expect(properties).toContain('axoniq.axonserver.internal-domain=orders-prod.svc.cluster.local\n');
  });

  it('sets the node tags and the zone tag', () => {
    expect(env).toMatchObject({
      AXONIQ_AXONSERVER_TAGS_REGION: 'europe-west4',
      AXONIQ_AXONSERVER_TAGS_ZONE: 'europe-west4-b',
    });
  });

  it('pins a zoned node to its zone and spreads the cluster over hosts', () => {
    const affinity = sts.spec.template.spec.affinity;
    expect(affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['europe-west4-b'] }] },
    ]);
    expect(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        labelSelector: {
          matchLabels: { 'app.kubernetes.io/name': 'axonserver', 'app.kubernetes.io/component': 'axon-server' },
        },
        topologyKey: 'kubernetes.io/hostname',
      },
    ]);
  });

  it('has no zone affinity for a node without zone', () => {
    const dev = find(fixture('dev').objects, 'StatefulSet', 'axonserver');
    expect(defined(dev.spec.template.spec.affinity).nodeAffinity).toBeUndefined();
    expect(envOf(container(dev)).AXONIQ_AXONSERVER_TAGS_ZONE).toBeUndefined();
  });
});

describe('probes and shutdown', () => {
  const c = container(find(prod, 'StatefulSet', 'axonserver-1'));

  it('probes /actuator/info on the management port, never /actuator/health', () => {
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
      // HTTPS: prod speaks TLS on 8024 too (the kubelet does not verify the certificate).
      expect(probe?.httpGet).toEqual({ path: '/actuator/info', port: 'management', scheme: 'HTTPS' });
    }
    expect(JSON.stringify(prod)).not.toContain('/actuator/health"');
  });

  it('takes the startup budget from config (prod: 10 s x 90 = 15 minutes) and keeps liveness above 1 s', () => {
    const startup = defined(c.startupProbe);
    expect(defined(startup.periodSeconds) * defined(startup.failureThreshold)).toBe(900);
    expect(c.livenessProbe?.timeoutSeconds).toBeGreaterThan(1);
  });

  it('defaults to a startup budget of at least 10 minutes', () => {
    const startup = defined(container(find(fixture('dev').objects, 'StatefulSet', 'axonserver')).startupProbe);
    expect(
      defined(startup.periodSeconds) * defined(startup.failureThreshold) + defined(startup.initialDelaySeconds),
    ).toBeGreaterThanOrEqual(600);
  });

  it('raises the termination grace period to 120 s', () => {
    expect(find(prod, 'StatefulSet', 'axonserver-1').spec.template.spec.terminationGracePeriodSeconds).toBe(120);
  });
});

describe('configuration', () => {
  const properties: string = propertiesOf(prod);
  const template = clusterTemplateOf(prod);

  it("renders common properties, including the user's", () => {
    expect(properties).toContain('axoniq.axonserver.event.segment-size=256MB\n');
    expect(properties).toContain('axoniq.axonserver.event.storage=/axonserver/events\n');
    expect(properties).toContain('axoniq.axonserver.replication.log-storage-folder=/axonserver/log\n');
    expect(properties).toContain(
      'axoniq.axonserver.clustertemplate.path=/axonserver/cluster-template/cluster-template.yml\n',
    );
    expect(properties).not.toMatch(/autocluster/);
  });

  it('builds the cluster template with _admin, three PRIMARY and two SECONDARY nodes', () => {
    expect(template.first).toBe('axonserver-1.orders-prod.svc.cluster.local:8224');
    expect(template.replicationGroups.map((g) => g.name)).toEqual(['_admin', 'orders']);
    const orders = template.replicationGroups[1];
    expect(orders.contexts).toEqual([{ name: 'orders' }]);
    expect(orders.roles).toEqual([
      { node: 'axonserver-1', role: 'PRIMARY' },
      { node: 'axonserver-2', role: 'PRIMARY' },
      { node: 'axonserver-3', role: 'PRIMARY' },
      { node: 'axonserver-archive-1', role: 'SECONDARY' },
      { node: 'axonserver-archive-2', role: 'SECONDARY' },
    ]);
    expect(template.replicationGroups[0]).toEqual({
      name: '_admin',
      roles: [
        { node: 'axonserver-1', role: 'PRIMARY' },
        { node: 'axonserver-2', role: 'PRIMARY' },
        { node: 'axonserver-3', role: 'PRIMARY' },
      ],
      contexts: [{ name: '_admin' }],
    });
  });

  it('uses a declared _admin group as written', () => {
    const text = prodWith((c) => {
      c.axonServer.replicationGroups.unshift({ name: '_admin', roles: { 'axonserver-1': 'PRIMARY' } });
    });
    const groups = clusterTemplateOf(synthText('prod', text).objects).replicationGroups;
    expect(groups[0]).toEqual({
      name: '_admin',
      roles: [{ node: 'axonserver-1', role: 'PRIMARY' }],
      contexts: [{ name: '_admin' }],
    });
  });

  it('mounts one configuration revision, named by its content, on every node; a change is a new revision', () => {
    const revision = (objects: readonly KubeObject[], node: string) =>
      defined(volumeOf(find(objects, 'StatefulSet', node).spec.template.spec, 'config').configMap).name;
    const names = NODES.map((n) => revision(prod, n));
    expect(new Set(names).size).toBe(1);
    expect(names[0]).toMatch(/^axonserver-config-[0-9a-f]{10}$/);
    expect(find(prod, 'ConfigMap', defined(names[0])).metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe(
      'PruneLast=true',
    );
    const changed = synthText(
      'prod',
      prodWith((c) => {
        c.axonServer.properties = { 'axoniq.axonserver.event.segment-size': '512MB' };
      }),
    ).objects;
    expect(revision(changed, 'axonserver-1')).not.toBe(names[0]);
    expect(has(changed, 'ConfigMap', defined(names[0]))).toBe(false);
  });
});

describe('editions', () => {
  it('runs standard edition as one standalone node without licence, roles or cluster template', () => {
    const dev = fixture('dev').objects;
    expect(ofKind(dev, 'StatefulSet').map((s) => s.metadata.name)).toEqual(['axonserver']);
    const cm = defined(ofKind(dev, 'ConfigMap').find((o) => o.metadata.name.startsWith('axonserver-config-')));
    expect(Object.keys(defined(cm.data))).toEqual(['axonserver.properties']);
    expect(cm.data?.['axonserver.properties']).toContain('axoniq.axonserver.standalone=true\n');
    const c = container(find(dev, 'StatefulSet', 'axonserver'));
    expect(envOf(c).AXONIQ_LICENSE).toBeUndefined();
    expect(defined(c.volumeMounts).map((m) => m.name)).not.toContain('license');
  });

  it('mounts the enterprise licence read-only and points AXONIQ_LICENSE at it; the licence directory is writable', () => {
    const sts = find(prod, 'StatefulSet', 'axonserver-1');
    const c = container(sts);
    expect(envOf(c).AXONIQ_LICENSE).toBe('/axonserver/secrets/license/axoniq.license');
    expect(c.volumeMounts).toContainEqual({
      name: 'license',
      mountPath: '/axonserver/secrets/license',
      readOnly: true,
    });
    expect(sts.spec.template.spec.volumes).toContainEqual({
      name: 'license',
      secret: {
        secretName: 'axoniq-license',
        items: [{ key: 'axoniq.license', path: 'axoniq.license' }],
        defaultMode: 0o440,
      },
    });
    // the licence directory is on the writable data volume
    expect(propertiesOf(prod)).toContain('axoniq.axonserver.enterprise.licenseDirectory=/axonserver/data/license\n');
  });
});

describe('secrets are referenced, never rendered', () => {
  const c = container(find(prod, 'StatefulSet', 'axonserver-1'));

  it('takes the internal token from its Secret into the environment', () => {
    expect(envOf(c).AXONIQ_AXONSERVER_ACCESSCONTROL_INTERNAL_TOKEN).toEqual({
      secretKeyRef: { name: 'axonserver-internal-token', key: 'token' },
    });
  });

  it('mounts the system token file from its Secret', () => {
    expect(c.volumeMounts).toContainEqual({
      name: 'system-token',
      mountPath: '/axonserver/secrets/system-token',
      readOnly: true,
    });
    expect(propertiesOf(prod)).toContain(
      'axoniq.axonserver.accesscontrol.systemtokenfile=/axonserver/secrets/system-token/token\n',
    );
  });

  it('renders no Secret object at all', () => {
    expect(ofKind(prod, 'Secret')).toEqual([]);
  });
});

describe('security', () => {
  const spec = find(prod, 'StatefulSet', 'axonserver-1').spec.template.spec;

  it('runs as uid/gid 1001 with fsGroup 1001, RuntimeDefault seccomp, no service account token', () => {
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1001,
      runAsGroup: 1001,
      fsGroup: 1001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  it('drops all capabilities, forbids escalation, and writes only to volumes, /tmp and the plugin directories', () => {
    expect(container({ spec: { template: { spec } } }).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    const emptyDirs = defined(spec.volumes)
      .filter((v) => v.emptyDir)
      .map((v) => v.name);
    expect(emptyDirs).toEqual(['plugins', 'tmp', 'heapdumps']);
    // Heap dumps need room for the whole heap: as large as the memory limit.
    expect(spec.volumes).toContainEqual({ name: 'heapdumps', emptyDir: { sizeLimit: '8Gi' } });
    expect(spec.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } });
    const mounts = container({ spec: { template: { spec } } }).volumeMounts;
    expect(mounts).toContainEqual({ name: 'plugins', mountPath: '/axonserver/plugins' });
  });

  it('uses a plugins volume, not an emptyDir, when the node has one', () => {
    const text = prodWith((c) => {
      c.axonServer.nodes[0].volumes.plugins = { size: '1Gi' };
    });
    const s = find(synthText('prod', text).objects, 'StatefulSet', 'axonserver-1').spec;
    expect(
      defined(s.template.spec.volumes)
        .filter((v) => v.emptyDir)
        .map((v) => v.name),
    ).toEqual(['tmp', 'heapdumps']);
    expect(defined(s.volumeClaimTemplates).map((t) => t.metadata?.name)).toContain('plugins');
  });

  it("allows 8224 only between nodes, 8124 from the namespace and listed namespaces, 8024 only from nodes, axon-deploy's pods and ui.allowedFrom, the actuator from axon-deploy's pods and Prometheus", () => {
    const text = prodWith((c) => {
      c.axonServer.networkPolicy = { allowedNamespaces: ['payments'] };
      c.axonServer.ui = {
        allowedFrom: [{ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }],
      };
      c.monitoring = {
        enabled: true,
        scrapers: [{ namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } }],
      };
    });
    const np = find(synthText('prod', text).objects, 'NetworkPolicy', 'axonserver');
    const nodes = {
      matchLabels: { 'app.kubernetes.io/name': 'axonserver', 'app.kubernetes.io/component': 'axon-server' },
    };
    const namespace = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
    expect(np.spec.podSelector).toEqual(nodes);
    expect(np.spec.policyTypes).toEqual(['Ingress']);
    expect(np.spec.ingress).toEqual([
      { from: [{ podSelector: nodes }], ports: [{ port: 8224, protocol: 'TCP' }] },
      {
        from: [{ podSelector: {} }, { namespaceSelector: namespace('payments'), podSelector: {} }],
        ports: [{ port: 8124, protocol: 'TCP' }],
      },
      {
        from: [
          { podSelector: nodes },
          { podSelector: { matchLabels: { 'axon-deploy.io/axonserver-api': 'true' } } },
          {
            namespaceSelector: namespace('ingress-nginx'),
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
          },
        ],
        ports: [{ port: 8024, protocol: 'TCP' }],
      },
      {
        from: [
          { podSelector: { matchLabels: { 'axon-deploy.io/axonserver-api': 'true' } } },
          {
            namespaceSelector: namespace('monitoring'),
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
          },
        ],
        ports: [{ port: 8025, protocol: 'TCP' }],
      },
    ]);
  });

  it('labels every pod that calls the REST API so that the NetworkPolicy lets it reach 8024', () => {
    for (const job of ofKind(prod, 'Job').filter((o) => o.metadata.name.endsWith('-gate'))) {
      expect(job.spec.template.metadata.labels?.['axon-deploy.io/axonserver-api']).toBe('true');
    }
  });

  it('can leave NetworkPolicies out', () => {
    const text = prodWith((c) => {
      c.axonServer.networkPolicy = { enabled: false };
    });
    expect(has(synthText('prod', text).objects, 'NetworkPolicy', 'axonserver')).toBe(false);
  });
});

describe('cluster-wide objects', () => {
  it('has one PodDisruptionBudget over all nodes with maxUnavailable 1', () => {
    const pdb = find(prod, 'PodDisruptionBudget', 'axonserver');
    // unhealthyPodEvictionPolicy comes from the fixture's JSON patch.
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
      selector: {
        matchLabels: { 'app.kubernetes.io/name': 'axonserver', 'app.kubernetes.io/component': 'axon-server' },
      },
    });
  });

  it('creates the StorageClasses, cluster-scoped, with Retain, expansion and WaitForFirstConsumer', () => {
    for (const [name, type] of [
      ['axon-fast', 'pd-ssd'],
      ['axon-archive', 'pd-standard'],
    ]) {
      const sc = find(prod, 'StorageClass', name);
      expect(sc.metadata.namespace).toBeUndefined();
      expect(sc).toMatchObject({
        provisioner: 'pd.csi.storage.gke.io',
        parameters: { type },
        reclaimPolicy: 'Retain',
        allowVolumeExpansion: true,
        volumeBindingMode: 'WaitForFirstConsumer',
      });
    }
  });

  it('has a client Service over the nodes that serve clients, and a UI Service with client-IP affinity', () => {
    const client = find(prod, 'Service', 'axonserver-grpc');
    expect(client.spec.selector).toMatchObject({ 'axon-deploy.io/serves-clients': 'true' });
    expect(client.spec.ports).toEqual([{ name: 'grpc', port: 8124, targetPort: 'grpc', protocol: 'TCP' }]);
    const serving = NODES.filter(
      (n) =>
        defined(find(prod, 'StatefulSet', n).spec.template.metadata.labels)['axon-deploy.io/serves-clients'] === 'true',
    );
    expect(serving).toEqual(['axonserver-1', 'axonserver-2', 'axonserver-3']);
    const ui = find(prod, 'Service', 'axonserver-ui');
    expect(ui.spec.sessionAffinity).toBe('ClientIP');
    // Only _admin members serve the UI and the admin API.
    expect(ui.spec.selector).toEqual({
      'app.kubernetes.io/name': 'axonserver',
      'app.kubernetes.io/component': 'axon-server',
      'axon-deploy.io/admin-node': 'true',
    });
    const admins = NODES.filter(
      (n) =>
        defined(find(prod, 'StatefulSet', n).spec.template.metadata.labels)['axon-deploy.io/admin-node'] === 'true',
    );
    expect(admins).toEqual(['axonserver-1', 'axonserver-2', 'axonserver-3']);
    expect(ui.spec.ports).toEqual([{ name: 'http', port: 8024, targetPort: 'http', protocol: 'TCP' }]);
  });
});

describe('resources and JVM', () => {
  it('takes requests and limits from config and sizes the heap from the memory limit', () => {
    const c = container(find(prod, 'StatefulSet', 'axonserver-1'));
    expect(c.resources).toEqual({ requests: { cpu: '1', memory: '8Gi' }, limits: { memory: '8Gi' } });
    expect(envOf(c).JAVA_TOOL_OPTIONS).toBe(
      '-Xms4096m -Xmx4096m -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=/axonserver/heapdumps',
    );
  });

  it('computes the heap as a percentage of the limit', () => {
    expect(heapOptions('4Gi', 50)).toBe('-Xms2048m -Xmx2048m');
    expect(heapOptions('3G', 60)).toBe('-Xms1716m -Xmx1716m');
  });

  it('lets the heap settings be overridden, keeping the heap dump on OutOfMemoryError unless it is turned off', () => {
    const text = prodWith((c) => {
      c.axonServer.jvm = { toolOptions: '-XX:MaxRAMPercentage=60' };
    });
    const c = container(find(synthText('prod', text).objects, 'StatefulSet', 'axonserver-1'));
    expect(envOf(c).JAVA_TOOL_OPTIONS).toBe(
      '-XX:MaxRAMPercentage=60 -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=/axonserver/heapdumps',
    );
    const off = synthText(
      'prod',
      prodWith((x) => {
        x.axonServer.jvm = { toolOptions: '-XX:MaxRAMPercentage=60', heapDumpOnOutOfMemory: false };
      }),
    ).objects;
    const sts = find(off, 'StatefulSet', 'axonserver-1');
    expect(envOf(container(sts)).JAVA_TOOL_OPTIONS).toBe('-XX:MaxRAMPercentage=60');
    expect(defined(sts.spec.template.spec.volumes).map((v) => v.name)).not.toContain('heapdumps');
  });
});
