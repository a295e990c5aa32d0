/**
 * Axon Server in production: TLS end to end, metrics, backups, registration, the UI's exposure,
 * and the paths a running server writes to. Fixture prod uses cert-manager, monitoring, backups,
 * registration and an Ingress; staging brings its own TLS Secrets with plain HTTP.
 */
import {
  container,
  defined,
  diagnose,
  envOf,
  find,
  fixture,
  has,
  ofKind,
  ProdConfig,
  prodWith,
  propertiesOf,
  synthText,
  withoutPosition,
} from '../../support/helpers';
import { at, stringOf } from '../../support/manifests';

const prod = fixture('prod').objects;
const staging = fixture('staging').objects;
const NODES = ['axonserver-1', 'axonserver-2', 'axonserver-3', 'axonserver-archive-1', 'axonserver-archive-2'];
const problems = (edit: (c: ProdConfig) => void) =>
  diagnose({ 'prod.yaml': prodWith(edit) })
    .lines.map(withoutPosition)
    .sort();

describe('TLS with cert-manager (prod)', () => {
  it('renders a Certificate per node: PKCS#8 key rotated on renewal, the node and Service names, a PKCS12 keystore for HTTPS', () => {
    expect(
      ofKind(prod, 'Certificate')
        .map((c) => c.metadata.name)
        .filter((n) => n.startsWith('axonserver')),
    ).toEqual(NODES.map((n) => `${n}-tls`));
    const cert = find(prod, 'Certificate', 'axonserver-2-tls');
    expect(cert.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('0');
    expect(cert.spec.secretName).toBe('axonserver-2-tls');
    expect(cert.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'internal-ca' });
    expect(cert.spec.privateKey).toEqual({ algorithm: 'RSA', encoding: 'PKCS8', rotationPolicy: 'Always', size: 2048 });
    expect(cert.spec.dnsNames).toEqual(
      expect.arrayContaining([
        'axonserver-2.orders-prod.svc.cluster.local',
        'axonserver-grpc.orders-prod.svc.cluster.local',
        'axonserver-ui.orders-prod.svc',
        'axonserver-2',
      ]),
    );
    expect(cert.spec.usages).toEqual(['server auth', 'client auth', 'digital signature', 'key encipherment']);
    expect(cert.spec.keystores).toEqual({
      pkcs12: {
        create: true,
        passwordSecretRef: { name: 'axonserver-keystore-password', key: 'password' },
        profile: 'Modern2023',
      },
    });
  });

  it('switches client gRPC, node-to-node gRPC and HTTP to TLS, with the keystore password from its Secret only', () => {
    const props = propertiesOf(prod);
    for (const line of [
      'axoniq.axonserver.ssl.enabled=true',
      'axoniq.axonserver.ssl.cert-chain-file=/axonserver/tls/tls.crt',
      'axoniq.axonserver.ssl.private-key-file=/axonserver/tls/tls.key',
      'axoniq.axonserver.ssl.internal-trust-manager-file=/axonserver/tls/ca.crt',
      'server.ssl.enabled=true',
      'server.ssl.key-store=file:/axonserver/tls/keystore.p12',
      'server.ssl.key-store-type=PKCS12',
    ])
      expect(props.split('\n')).toContain(line);
    expect(props).not.toContain('password');
    const sts = find(prod, 'StatefulSet', 'axonserver-3');
    expect(envOf(container(sts)).SERVER_SSL_KEY_STORE_PASSWORD).toEqual({
      secretKeyRef: { name: 'axonserver-keystore-password', key: 'password' },
    });
  });

  it("mounts each node's own Secret as a directory (renewed files are picked up), and probes over HTTPS", () => {
    const spec = find(prod, 'StatefulSet', 'axonserver-archive-1').spec.template.spec;
    expect(spec.volumes).toContainEqual({
      name: 'tls',
      secret: { secretName: 'axonserver-archive-1-tls', defaultMode: 0o440 },
    });
    expect(spec.containers[0].volumeMounts).toContainEqual({
      name: 'tls',
      mountPath: '/axonserver/tls',
      readOnly: true,
    });
    expect(JSON.stringify(spec)).not.toContain('subPath');
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const)
      expect(spec.containers[0][probe]?.httpGet?.scheme).toBe('HTTPS');
  });

  it("gives every app the TLS switch and the CA (only ca.crt of the bootstrap node's Secret)", () => {
    for (const name of ['order-service-blue', 'notification-service']) {
      const d = find(prod, 'Deployment', name);
      expect(envOf(container(d))).toMatchObject({
        AXON_AXONSERVER_SSL_ENABLED: 'true',
        AXON_AXONSERVER_CERT_FILE: '/etc/axon-deploy/axonserver-ca/ca.crt',
      });
      expect(d.spec.template.spec.volumes).toContainEqual({
        name: 'axonserver-ca',
        secret: { secretName: 'axonserver-1-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }], defaultMode: 0o444 },
      });
    }
  });

  it('lets the rollout controller and the Jobs speak HTTPS, trusting the CA', () => {
    const env = envOf(container({ spec: find(prod, 'CronJob', 'axonserver-backup').spec.jobTemplate.spec }));
    expect(env.AXONSERVER_URLS).toMatch(/^https:\/\//);
    expect(env.AXONSERVER_CA_FILE).toBe('/etc/axon-deploy/axonserver-ca/ca.crt');
    expect(find(prod, 'AppRelease', 'order-service').spec.axonServer).toMatchObject({
      scheme: 'https',
      ca: { kind: 'Secret', name: 'axonserver-1-tls', key: 'ca.crt' },
      token: { name: 'axon-deploy-controller-token', key: 'token' },
    });
    expect(find(prod, 'NodeRollout', 'axonserver').spec.axonServer).toMatchObject({
      scheme: 'https',
      ca: { kind: 'Secret', name: 'axonserver-1-tls', key: 'ca.crt' },
    });
  });
});

describe("TLS with the team's own Secrets (staging)", () => {
  it('renders no Certificate and lists the Secrets with the files each must hold', () => {
    expect(ofKind(staging, 'Certificate')).toEqual([]);
    expect(fixture('staging').model.secrets.find((s) => s.name === 'axonserver-2-tls')).toEqual({
      name: 'axonserver-2-tls',
      keys: ['tls.crt', 'tls.key'],
      usedBy: ['axonserver-2 (TLS)'],
    });
  });

  it('keeps HTTP plain when tls.http is off, and trusts the CA bundle ConfigMap', () => {
    const props = propertiesOf(staging);
    expect(props).toContain('axoniq.axonserver.ssl.internal-trust-manager-file=/axonserver/ca/ca.crt');
    expect(props).not.toMatch(/^server\.ssl/m);
    const sts = find(staging, 'StatefulSet', 'axonserver-1');
    expect(container(sts).livenessProbe?.httpGet?.scheme).toBe('HTTP');
    expect(sts.spec.template.spec.volumes).toContainEqual({
      name: 'ca',
      configMap: { name: 'internal-ca-bundle', items: [{ key: 'ca.crt', path: 'ca.crt' }], defaultMode: 0o444 },
    });
    expect(find(staging, 'NodeRollout', 'axonserver').spec.axonServer).toMatchObject({
      scheme: 'http',
      domain: 'orders-staging.svc.cluster.local',
      httpPort: 8024,
    });
    expect(envOf(container(find(staging, 'Deployment', 'order-service-blue'))).AXON_AXONSERVER_SSL_ENABLED).toBe(
      'true',
    );
  });

  it('requires the keystore password for HTTPS, and refuses ssl properties set by hand', () => {
    expect(
      problems((c) => {
        delete c.axonServer.tls.keystorePasswordSecret;
      }),
    ).toEqual([expect.stringMatching(/^axonServer\.tls\.keystorePasswordSecret: required when tls\.http is on/)]);
    expect(
      problems((c) => {
        c.axonServer.properties = { 'axoniq.axonserver.ssl.enabled': false };
      }),
    ).toEqual([
      'axonServer.properties["axoniq.axonserver.ssl.enabled"]: "axoniq.axonserver.ssl.enabled" is set by axon-deploy from tls; remove it from properties',
    ]);
  });
});

describe('metrics', () => {
  it("scrapes every node's /actuator/prometheus over HTTPS with a PodMonitor labelled for Prometheus", () => {
    const pm = find(prod, 'PodMonitor', 'axonserver');
    expect(pm.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(pm.spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'axonserver', 'app.kubernetes.io/component': 'axon-server' },
    });
    expect(pm.spec.podMetricsEndpoints).toEqual([
      {
        port: 'management',
        path: '/actuator/prometheus',
        interval: '30s',
        scheme: 'https',
        tlsConfig: {
          ca: { secret: { name: 'axonserver-1-tls', key: 'ca.crt' } },
          serverName: 'axonserver-ui.orders-prod.svc',
        },
      },
    ]);
  });

  it('scrapes each app on its management port', () => {
    const pm = find(prod, 'PodMonitor', 'order-service');
    expect(pm.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'order-service' } });
    expect(pm.spec.podMetricsEndpoints).toEqual([
      { port: 'management', path: '/actuator/prometheus', interval: '30s', scheme: 'http' },
    ]);
  });

  it('exposes only the actuator endpoints it uses, with health details for alerts', () => {
    const props = propertiesOf(prod).split('\n');
    expect(props).toContain('management.endpoints.web.exposure.include=health,info,prometheus');
    expect(props).toContain('management.endpoint.health.show-details=when-authorized');
    expect(
      problems((c) => {
        c.axonServer.actuator = { exposure: ['health', 'info'] };
      }),
    ).toEqual([
      'axonServer.actuator.exposure: monitoring is enabled, so Prometheus scrapes /actuator/prometheus: add prometheus to the exposed endpoints',
    ]);
  });

  it('warns when nothing may scrape through the NetworkPolicy', () => {
    const { lines } = diagnose({
      'prod.yaml': prodWith((c) => {
        c.monitoring.scrapers = [];
      }),
    });
    expect(lines.map(withoutPosition)).toContainEqual(
      expect.stringMatching(/^monitoring\.scrapers: warning: the NetworkPolicy lets nothing outside/),
    );
  });
});

describe('locked-down access', () => {
  it('puts only _admin members behind the UI, reachable through the Ingress', () => {
    const ingress = find(prod, 'Ingress', 'axonserver-ui');
    expect(ingress.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
      'argocd.argoproj.io/sync-wave': '1',
    });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['axonserver.orders.example.com'], secretName: 'axonserver-ui-tls' }],
      rules: [
        {
          host: 'axonserver.orders.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'axonserver-ui', port: { number: 8024 } } },
              },
            ],
          },
        },
      ],
    });
  });

  it("keeps Argo CD's annotations its own on the Ingress", () => {
    expect(
      problems((c) => {
        defined(c.axonServer.ui.ingress?.annotations)['argocd.argoproj.io/sync-wave'] = '-5';
      }),
    ).toEqual([
      'axonServer.ui.ingress.annotations["argocd.argoproj.io/sync-wave"]: expected an annotation of the Ingress controller: Argo CD annotations (sync waves, options, hooks) are set by axon-deploy, got "argocd.argoproj.io/sync-wave"',
    ]);
    expect(
      problems((c) => {
        defined(c.apps[0].expose?.ingress).annotations = { 'argocd.argoproj.io/hook': 'PreSync' };
      }),
    ).toEqual([
      'apps[0].expose.ingress.annotations["argocd.argoproj.io/hook"]: expected an annotation of the Ingress controller: Argo CD annotations (sync waves, options, hooks) are set by axon-deploy, got "argocd.argoproj.io/hook"',
    ]);
  });

  it('can route the UI through a Gateway API HTTPRoute instead, and says a BackendTLSPolicy is needed for HTTPS', () => {
    const text = prodWith((c) => {
      c.axonServer.ui = {
        allowedFrom: [{ namespace: 'gateways' }],
        httpRoute: {
          parentRefs: [{ name: 'public', namespace: 'gateways' }],
          hostnames: ['axonserver.orders.example.com'],
        },
      };
    });
    const route = find(synthText('prod', text).objects, 'HTTPRoute', 'axonserver-ui');
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'public', namespace: 'gateways' }],
      hostnames: ['axonserver.orders.example.com'],
      rules: [{ backendRefs: [{ name: 'axonserver-ui', port: 8024 }] }],
    });
    expect(diagnose({ 'prod.yaml': text }).lines.map(withoutPosition)).toContainEqual(
      expect.stringMatching(
        /^axonServer\.ui\.httpRoute: warning: the UI speaks HTTPS \(tls\.http\): the Gateway needs a BackendTLSPolicy/,
      ),
    );
  });

  it('writes every runtime file to a volume: control-DB backups, pid and plugins on data, the plugin cache on scratch, heap dumps to their own emptyDir', () => {
    const props = propertiesOf(prod).split('\n');
    for (const line of [
      'axoniq.axonserver.controldb-backup-location=/axonserver/data',
      'axoniq.axonserver.pid-file-location=/axonserver/data',
      'axoniq.axonserver.plugin-package-directory=/axonserver/data/plugins/bundles',
      'axoniq.axonserver.plugin-cache-directory=/axonserver/plugins/cache',
      'axoniq.axonserver.enterprise.licenseDirectory=/axonserver/data/license',
    ])
      expect(props).toContain(line);
    expect(container(find(prod, 'StatefulSet', 'axonserver-1')).securityContext?.readOnlyRootFilesystem).toBe(true);
  });
});

describe('backups', () => {
  it('runs a CronJob on the schedule, never twice at once, as a ServiceAccount that may only handle VolumeSnapshots', () => {
    const cron = find(prod, 'CronJob', 'axonserver-backup');
    expect(cron.spec).toMatchObject({ schedule: '0 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe('axonserver-backup');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(find(prod, 'Role', 'axonserver-backup').rules).toEqual([
      {
        apiGroups: ['snapshot.storage.k8s.io'],
        resources: ['volumesnapshots'],
        verbs: ['create', 'delete', 'get', 'list'],
      },
    ]);
    expect(find(prod, 'RoleBinding', 'axonserver-backup')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'axonserver-backup' },
      subjects: [{ kind: 'ServiceAccount', name: 'axonserver-backup' }],
    });
    expect(find(prod, 'ServiceAccount', 'axonserver-backup').automountServiceAccountToken).toBe(false);
    // Every other pod but the rollout controller's has no token.
    const withToken = prod.filter(
      (x) =>
        x.kind !== 'CronJob' &&
        at(x, 'spec', 'template', 'spec') &&
        at(x, 'spec', 'template', 'spec', 'automountServiceAccountToken') !== false,
    );
    expect(withToken.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/axon-deploy-controller']);
  });

  it('backs up the control DB of every _admin node, then snapshots data, log and events of every node, keeping 14 runs', () => {
    const env = envOf(container({ spec: find(prod, 'CronJob', 'axonserver-backup').spec.jobTemplate.spec }));
    expect(env.AXONSERVER_URLS).toBe(
      ['axonserver-1', 'axonserver-2', 'axonserver-3']
        .map((n) => `https://${n}.orders-prod.svc.cluster.local:8024`)
        .join(','),
    );
    expect(stringOf(env.BACKUP_CLAIMS).split(',')).toHaveLength(15);
    expect(stringOf(env.BACKUP_CLAIMS).split(',')).toContain(
      'axonserver-archive-2/events/events-axonserver-archive-2-0',
    );
    expect(env).toMatchObject({
      BACKUP_KEEP: '14',
      BACKUP_SNAPSHOT_CLASS: 'pd-snapshots',
      BACKUP_NAMESPACE: 'orders-prod',
    });
  });

  it('is off unless configured', () => {
    expect(has(fixture('dev').objects, 'CronJob', 'axonserver-backup')).toBe(false);
  });
});

describe('registration', () => {
  it('lets the rollout controller register every app and user, reading the tokens from their Secrets by name', () => {
    const registration = defined(find(prod, 'NodeRollout', 'axonserver').spec.registration);
    expect(registration.apps).toEqual([
      {
        name: 'order-service',
        roles: [{ context: 'orders', roles: ['USE_CONTEXT'] }],
        token: { name: 'order-service-axon-token', key: 'token' },
      },
      {
        name: 'notification-service',
        roles: [{ context: 'orders', roles: ['USE_CONTEXT'] }],
        token: { name: 'notification-service-axon-token', key: 'token' },
      },
      {
        name: 'axon-deploy-controller',
        roles: [{ context: 'orders', roles: ['USE_CONTEXT'] }],
        token: { name: 'axon-deploy-controller-token', key: 'token' },
      },
    ]);
    expect(registration.users).toEqual([
      {
        userName: 'platform-admin',
        roles: ['ADMIN@_admin'],
        password: { name: 'axonserver-admin-password', key: 'password' },
      },
    ]);
    const secrets = defined(
      defined(find(prod, 'Role', 'axon-deploy-controller').rules).find((r) => defined(r.resources).includes('secrets')),
    );
    expect(secrets.verbs).toEqual(['get']);
    expect(secrets.resourceNames).toEqual(
      expect.arrayContaining([
        'axonserver-system-token',
        'order-service-axon-token',
        'notification-service-axon-token',
        'axon-deploy-controller-token',
        'axonserver-admin-password',
      ]),
    );
  });

  it("checks the users' contexts, and needs access control", () => {
    expect(
      problems((c) => {
        defined(c.axonServer.registration.users)[0].roles = ['USE_CONTEXT@billing'];
      }),
    ).toEqual([
      'axonServer.registration.users[0].roles[0]: no replication group stores context "billing"; contexts: _admin, orders',
    ]);
    const open = synthText(
      'prod',
      prodWith((c) => {
        c.axonServer.accessControl = { enabled: false };
        c.apps.forEach((a) => {
          delete a.tokenSecret;
        });
        c.axonServer.registration = { users: [] };
      }),
    ).objects;
    expect(find(open, 'NodeRollout', 'axonserver').spec.registration).toBeUndefined();
  });
});
