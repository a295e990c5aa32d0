/**
 * Apps ready for production traffic: exposure of the live and preview Services, autoscaling per
 * colour, spread and placement, pinned images and their warnings, the typed escape hatches and
 * JSON patches, per-node Axon Server settings, and per-colour probes.
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
  synthText,
  withoutPosition,
} from '../../support/helpers';
import type { ObjectMeta } from '../../support/manifests';

const prod = fixture('prod').objects;
const problems = (edit: (c: ProdConfig) => void) =>
  diagnose({ 'prod.yaml': prodWith(edit) })
    .lines.map(withoutPosition)
    .filter((l) => !l.includes(': warning: '))
    .sort();
const warnings = (edit: (c: ProdConfig) => void) =>
  diagnose({ 'prod.yaml': prodWith(edit) })
    .lines.map(withoutPosition)
    .filter((l) => l.includes(': warning: '))
    .sort();
const objectsWith = (edit: (c: ProdConfig) => void) => synthText('prod', prodWith(edit)).objects;
const app = (c: ProdConfig) => c.apps[0];
const expose = (c: ProdConfig) => defined(app(c).expose, 'apps[0].expose');
const autoscaling = (c: ProdConfig) => defined(app(c).autoscaling, 'apps[0].autoscaling');
const patch = (c: ProdConfig) => c.patches[0];

describe('exposure', () => {
  it('routes the live host to the live Service and the preview host to the preview Service, with a certificate for both', () => {
    const live = find(prod, 'Ingress', 'order-service');
    expect(live.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['orders.example.com'], secretName: 'order-service-tls' }],
      rules: [
        {
          host: 'orders.example.com',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'order-service', port: { number: 80 } } } },
            ],
          },
        },
      ],
    });
    const preview = find(prod, 'Ingress', 'order-service-preview');
    expect(preview.spec.rules?.[0]).toMatchObject({
      host: 'orders-preview.example.com',
      http: { paths: [{ backend: { service: { name: 'order-service-preview' } } }] },
    });
    const cert = find(prod, 'Certificate', 'order-service-tls');
    expect(cert.spec).toMatchObject({
      secretName: 'order-service-tls',
      dnsNames: ['orders.example.com', 'orders-preview.example.com'],
      issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt', group: 'cert-manager.io' },
    });
  });

  it('keeps a promotion a selector change: the exposure objects stay exactly as they were', () => {
    const promoted = objectsWith((c) => {
      c.apps[0].release.colors!.blue.phase = 'STANDING_BY';
      c.apps[0].release.colors!.green.phase = 'SERVING';
    });
    for (const name of ['order-service', 'order-service-preview'])
      expect(find(promoted, 'Ingress', name)).toEqual(find(prod, 'Ingress', name));
    expect(find(promoted, 'Service', 'order-service').spec.selector?.['axon-deploy.io/color']).toBe('green');
  });

  it('has no preview route while nothing is previewed', () => {
    const objects = objectsWith((c) => {
      c.apps[0].release.colors!.green.phase = 'OBSOLETE';
    });
    expect(has(objects, 'Ingress', 'order-service')).toBe(true);
    expect(has(objects, 'Ingress', 'order-service-preview')).toBe(false);
  });

  it('can expose through Gateway API HTTPRoutes instead', () => {
    const objects = objectsWith((c) => {
      app(c).expose = {
        host: 'orders.example.com',
        path: '/api',
        previewHost: 'orders-preview.example.com',
        httpRoute: { parentRefs: [{ name: 'public', namespace: 'gateways', sectionName: 'https' }] },
      };
    });
    expect(ofKind(objects, 'Ingress')).toMatchObject([{ metadata: { name: 'axonserver-ui' } }]);
    expect(find(objects, 'HTTPRoute', 'order-service').spec).toEqual({
      parentRefs: [{ name: 'public', namespace: 'gateways', sectionName: 'https' }],
      hostnames: ['orders.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
          backendRefs: [{ name: 'order-service', port: 80 }],
        },
      ],
    });
    expect(find(objects, 'HTTPRoute', 'order-service-preview').spec.hostnames).toEqual(['orders-preview.example.com']);
  });

  it('checks the exposure', () => {
    expect(
      problems((c) => {
        app(c).expose = { host: 'orders.example.com' };
      }),
    ).toEqual(['apps[0].expose: expected exactly one of ingress and httpRoute, got neither']);
    expect(
      problems((c) => {
        expose(c).previewHost = 'orders.example.com';
      }),
    ).toEqual([
      'apps[0].expose.previewHost: expected another host than host: the preview must not take the live traffic',
    ]);
    expect(
      problems((c) => {
        expose(c).host = 'Orders';
      }),
    ).toEqual(['apps[0].expose.host: expected a host name like orders.example.com, got "Orders"']);
  });
});

describe('autoscaling', () => {
  it('gives each running colour an autoscaler with the floor of its phase, and leaves replicas to it', () => {
    const hpa = find(prod, 'HorizontalPodAutoscaler', 'order-service-blue');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'order-service-blue' },
      minReplicas: 3,
      maxReplicas: 12,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
    });
    expect(find(prod, 'Deployment', 'order-service-blue').spec.replicas).toBeUndefined();
    const standby = objectsWith((c) => {
      c.apps[0].release.colors!.blue.phase = 'STANDING_BY';
      c.apps[0].release.colors!.green.phase = 'SERVING';
      autoscaling(c).initialisingMinReplicas = 2;
    });
    expect(find(standby, 'HorizontalPodAutoscaler', 'order-service-blue').spec.minReplicas).toBe(1);
    expect(find(standby, 'HorizontalPodAutoscaler', 'order-service-green').spec.minReplicas).toBe(3);
    const initialising = objectsWith((c) => {
      autoscaling(c).initialisingMinReplicas = 2;
    });
    expect(find(initialising, 'HorizontalPodAutoscaler', 'order-service-green').spec.minReplicas).toBe(2);
    // The autoscaler of the colour becoming SERVING changes in the Deployment's wave, before the switch.
    const wave = (o: { metadata: ObjectMeta }) => defined(o.metadata.annotations)['argocd.argoproj.io/sync-wave'];
    expect(wave(find(standby, 'HorizontalPodAutoscaler', 'order-service-green'))).toBe(
      wave(find(standby, 'Deployment', 'order-service-green')),
    );
  });

  it('scales on memory too, and a rolling app the same way', () => {
    const objects = objectsWith((c) => {
      c.apps[1].autoscaling = { minReplicas: 2, maxReplicas: 4, memoryUtilization: 80 };
    });
    expect(find(objects, 'HorizontalPodAutoscaler', 'notification-service').spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(find(objects, 'Deployment', 'notification-service').spec.replicas).toBeUndefined();
  });

  it('checks the bounds, and says colour replicas are then unused', () => {
    expect(
      problems((c) => {
        autoscaling(c).maxReplicas = 2;
      }),
    ).toEqual(['apps[0].autoscaling.maxReplicas: expected at least minReplicas (3), got 2']);
    expect(
      warnings((c) => {
        c.apps[0].release.colors!.green.replicas = 5;
      }),
    ).toContainEqual(
      expect.stringMatching(
        /^apps\[0\]\.release\.colors\.green\.replicas: warning: not used: autoscaling owns the replicas/,
      ),
    );
  });
});

describe('scheduling', () => {
  it('spreads every app pod over zones and hosts, per colour and revision', () => {
    const apps = ofKind(prod, 'Deployment').filter((d) => d.metadata.name !== 'axon-deploy-controller');
    for (const d of apps) {
      const spread = defined(d.spec.template.spec.topologySpreadConstraints);
      expect(spread.map((s) => `${s.topologyKey} ${s.whenUnsatisfiable}`)).toEqual([
        'topology.kubernetes.io/zone ScheduleAnyway',
        'kubernetes.io/hostname ScheduleAnyway',
      ]);
      for (const s of spread)
        expect(s).toMatchObject({
          maxSkew: 1,
          labelSelector: { matchLabels: d.spec.selector.matchLabels },
          matchLabelKeys: ['pod-template-hash'],
        });
    }
  });

  it('places pods on pools: nodeSelector, tolerations, affinity, priorityClassName, and a stricter spread on request', () => {
    const objects = objectsWith((c) => {
      app(c).scheduling = {
        nodeSelector: { pool: 'apps' },
        tolerations: [{ key: 'dedicated', value: 'apps', effect: 'NoSchedule' }],
        priorityClassName: 'business-critical',
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 50, preference: { matchExpressions: [{ key: 'cpu', operator: 'In', values: ['fast'] }] } },
            ],
          },
        },
        spread: { zones: 'required', hosts: 'off' },
      };
    });
    const spec = find(objects, 'Deployment', 'order-service-blue').spec.template.spec;
    expect(spec.nodeSelector).toEqual({ pool: 'apps' });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'apps', effect: 'NoSchedule' }]);
    expect(spec.priorityClassName).toBe('business-critical');
    expect(spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0].weight).toBe(50);
    expect(defined(spec.topologySpreadConstraints).map((s) => `${s.topologyKey} ${s.whenUnsatisfiable}`)).toEqual([
      'topology.kubernetes.io/zone DoNotSchedule',
    ]);
  });

  it('places an Axon Server node on its own pool, keeping its zone and the anti-affinity between nodes', () => {
    const objects = objectsWith((c) => {
      c.axonServer.nodes[3].scheduling = {
        tolerations: [{ key: 'archive', operator: 'Exists' }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['archive'] }] }],
            },
          },
        },
      };
    });
    const spec = find(objects, 'StatefulSet', 'axonserver-archive-1').spec.template.spec;
    expect(spec.tolerations).toEqual([{ key: 'archive', operator: 'Exists' }]);
    expect(spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['europe-west4-a'] },
          { key: 'pool', operator: 'In', values: ['archive'] },
        ],
      },
    ]);
    expect(spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(find(objects, 'StatefulSet', 'axonserver-1').spec.template.spec.tolerations).toBeUndefined();
  });
});

describe('images', () => {
  it("pins a colour's image by digest, keeping the version as tag and label", () => {
    const d = find(prod, 'Deployment', 'order-service-green');
    expect(container(d).image).toMatch(/^registry\.example\.com\/orders\/order-service:1\.5\.0@sha256:[0-9a-f]{64}$/);
    expect(d.metadata.labels?.['app.kubernetes.io/version']).toBe('1.5.0');
    expect(
      problems((c) => {
        c.apps[0].release.colors!.green.digest = 'sha256:abc';
      }),
    ).toEqual([
      'apps[0].release.colors.green.digest: expected an image digest like sha256:<64 hex digits>, got "sha256:abc"',
    ]);
  });

  it('warns about latest, a missing tag and a root Axon Server image; accepts a digest', () => {
    expect(
      warnings((c) => {
        c.apps[1].release.version = 'latest';
      }),
    ).toContainEqual(expect.stringMatching(/^apps\[1\]\.release\.version: warning: version "latest" is a moving tag/));
    expect(
      warnings((c) => {
        c.axonServer.image = 'axoniq/axonserver:latest';
      }),
    ).toEqual([
      'axonServer.image: warning: axoniq/axonserver:latest is not a -nonroot image: it is built to run as root, but the pods run it as uid 1001 (runAsUser, for runAsNonRoot and the restricted profile), the user only the -nonroot images are built for; use the matching -nonroot tag',
      'axonServer.image: warning: axoniq/axonserver:latest: latest is a moving tag: every restarted node may run another version; pin a version (and its digest)',
    ]);
    expect(
      warnings((c) => {
        c.axonServer.image = 'axoniq/axonserver';
      }),
    ).toContainEqual(expect.stringMatching(/^axonServer\.image: warning: axoniq\/axonserver has no tag/));
    expect(
      warnings((c) => {
        c.axonServer.image = `axoniq/axonserver:2025.1.5-jdk-17-nonroot@sha256:${'a'.repeat(64)}`;
      }),
    ).toEqual([]);
  });
});

describe('escape hatches', () => {
  it('adds variables from ConfigMaps and Secrets, volumes, init containers and sidecars, all restricted', () => {
    const objects = objectsWith((c) => {
      Object.assign(app(c), {
        envFrom: [{ configMap: 'order-service-settings' }, { secret: 'order-service-keys', prefix: 'KEYS_' }],
        volumes: [
          { name: 'templates', mountPath: '/etc/templates', configMap: 'mail-templates' },
          { name: 'cache', mountPath: '/var/cache/app', readOnly: false, emptyDir: { sizeLimit: '2Gi' } },
        ],
        initContainers: [
          {
            name: 'migrate',
            image: 'registry.example.com/orders/migrations:1.5.0',
            args: ['up'],
            env: { DB: { secretName: 'orders-db-credentials', key: 'username' } },
          },
        ],
        sidecars: [
          {
            name: 'proxy',
            image: 'envoyproxy/envoy:v1.31.0',
            ports: [{ name: 'admin', containerPort: 9901 }],
            mounts: [{ volume: 'templates', mountPath: '/templates' }],
          },
        ],
      });
    });
    const spec = find(objects, 'Deployment', 'order-service-blue').spec.template.spec;
    expect(spec.containers[0].envFrom).toEqual([
      { configMapRef: { name: 'order-service-settings' } },
      { secretRef: { name: 'order-service-keys' }, prefix: 'KEYS_' },
    ]);
    expect(spec.containers[0].volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'templates', mountPath: '/etc/templates', readOnly: true },
        { name: 'cache', mountPath: '/var/cache/app', readOnly: false },
      ]),
    );
    expect(spec.volumes).toEqual(
      expect.arrayContaining([
        { name: 'templates', configMap: { name: 'mail-templates', defaultMode: 0o444 } },
        { name: 'cache', emptyDir: { sizeLimit: '2Gi' } },
      ]),
    );
    const initContainers = defined(spec.initContainers);
    expect(initContainers.map((x) => x.name)).toEqual(['migrate']);
    expect(spec.containers.map((x) => x.name)).toEqual(['order-service', 'proxy']);
    for (const x of [...initContainers, ...spec.containers]) {
      expect(x.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      });
    }
    expect(envOf(initContainers[0]).DB).toEqual({
      secretKeyRef: { name: 'orders-db-credentials', key: 'username' },
    });
    expect(spec.containers[1].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'templates', mountPath: '/templates', readOnly: true },
    ]);
  });

  it("refuses a secret-looking literal in a sidecar's env", () => {
    expect(
      problems((c) => {
        app(c).sidecars = [
          { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', env: { DB_PASSWORD: 'hunter2hunter2' } },
        ];
      }),
    ).toEqual([expect.stringMatching(/^apps\[0\]\.sidecars\[0\]\.env\.DB_PASSWORD: DB_PASSWORD looks like a secret/)]);
  });

  it('checks volume names, sources and references', () => {
    expect(
      problems((c) => {
        app(c).volumes = [{ name: 'tmp', mountPath: '/x', emptyDir: {} }];
      }),
    ).toEqual(['apps[0].volumes[0].name: "tmp" is a volume axon-deploy gives every app pod; choose another name']);
    expect(
      problems((c) => {
        app(c).volumes = [{ name: 'x', mountPath: '/x', configMap: 'a', secret: 'b' }];
      }),
    ).toEqual([
      'apps[0].volumes[0]: expected exactly one source (configMap, secret, emptyDir or persistentVolumeClaim), got configMap and secret',
    ]);
    expect(
      problems((c) => {
        app(c).sidecars = [
          { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', mounts: [{ volume: 'nope', mountPath: '/n' }] },
        ];
      }),
    ).toEqual(['apps[0].sidecars[0].mounts[0].volume: no volume "nope"; volumes: tmp']);
  });

  it('applies JSON patches to rendered objects, and refuses a patch that does not apply, with its position', () => {
    expect(find(prod, 'PodDisruptionBudget', 'axonserver').spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    const { lines } = diagnose({
      'prod.yaml': prodWith((c) => {
        patch(c).patch = [{ op: 'replace', path: '/spec/nothing/here', value: 1 }];
      }),
    });
    expect(lines).toEqual([
      expect.stringMatching(
        /^config\/prod\.yaml:\d+:\d+ patches\[0\]\.patch: cannot apply to PodDisruptionBudget axonserver: operation 1 \(replace \/spec\/nothing\/here\): the path \/spec\/nothing\/here does not exist \(the object has \/spec\)$/,
      ),
    ]);
    expect(
      problems((c) => {
        patch(c).target.name = 'axonserver-x';
      }),
    ).toEqual([
      'patches[0].target: no PodDisruptionBudget named "axonserver-x" is rendered for prod; PodDisruptionBudgets: axonserver, notification-service, order-service',
    ]);
    expect(
      problems((c) => {
        patch(c).patch = [{ op: 'replace', path: '/metadata/name', value: 'other' }];
      }),
    ).toEqual([
      'patches[0].patch: a patch may not change apiVersion, kind, metadata.name or metadata.namespace (that would be another object: declare it in the config instead)',
    ]);
    expect(
      problems((c) => {
        patch(c).why = 'because';
      }),
    ).toEqual(['patches[0].why: expected a reason of at least 10 characters: reviewers read it, got "because"']);
    expect(
      problems((c) => {
        patch(c).patch = [{ op: 'add', path: '/metadata/annotations/argocd.argoproj.io~1sync-wave', value: '-9' }];
      }),
    ).toEqual([
      'patches[0].patch: a patch may not change the Argo CD annotations (sync waves, hooks, Prune=false protection): they keep the rollout order and the data safe',
    ]);
    const revision = fixture('prod').objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('axonserver-config-'),
    )!.metadata.name;
    expect(
      problems((c) => {
        c.patches = [
          {
            target: { kind: 'ConfigMap', name: revision },
            patch: [{ op: 'add', path: '/data/x', value: 'y' }],
            why: 'a change to the configuration',
          },
        ];
      }),
    ).toEqual([
      `patches[0].patch: ConfigMap ${revision} is a revision named by its content: a patch would change it without a new name, so the pods that mount it would not roll; change the config instead`,
    ]);
    expect(
      problems((c) => {
        c.patches = [
          {
            target: { kind: 'Service', name: 'order-service-preview' },
            patch: [{ op: 'add', path: '/metadata/labels/x', value: 'y' }],
            why: 'a label for the mesh',
          },
        ];
        c.apps[0].release.colors!.green.phase = 'OBSOLETE';
      }),
    ).toEqual([
      'patches[0].patch: Service order-service-preview is not rendered in prod as configured now (an object of a phase that is not reached?): remove the patch or change its target',
    ]);
    expect(
      problems((c) => {
        patch(c).patch = [
          { op: 'add', path: '/metadata/annotations/x', value: { name: 'SMTP_PASSWORD', value: 'hunter2hunter2' } },
        ];
      }),
    ).toEqual([expect.stringMatching(/^patches\[0\]\.patch\[0\]\.value: SMTP_PASSWORD looks like a secret/)]);
  });
});

describe('per-node Axon Server settings', () => {
  it('gives a node its own resources and sizes its heap from them', () => {
    const archive = container(find(prod, 'StatefulSet', 'axonserver-archive-1'));
    expect(archive.resources).toEqual({ requests: { cpu: '500m', memory: '12Gi' }, limits: { memory: '12Gi' } });
    expect(envOf(archive).JAVA_TOOL_OPTIONS).toMatch(/^-Xms6144m -Xmx6144m /);
    expect(container(find(prod, 'StatefulSet', 'axonserver-1')).resources).toEqual({
      requests: { cpu: '1', memory: '8Gi' },
      limits: { memory: '8Gi' },
    });
    const spec = find(prod, 'StatefulSet', 'axonserver-archive-1').spec.template.spec;
    expect(spec.volumes).toContainEqual({ name: 'heapdumps', emptyDir: { sizeLimit: '12Gi' } });
  });

  it('gives a node its own JVM settings', () => {
    const objects = objectsWith((c) => {
      c.axonServer.nodes[0].jvm = { heapPercent: 25 };
    });
    expect(envOf(container(find(objects, 'StatefulSet', 'axonserver-1'))).JAVA_TOOL_OPTIONS).toMatch(
      /^-Xms2048m -Xmx2048m /,
    );
    expect(envOf(container(find(objects, 'StatefulSet', 'axonserver-2'))).JAVA_TOOL_OPTIONS).toMatch(
      /^-Xms4096m -Xmx4096m /,
    );
  });
});

describe('long replays', () => {
  it('probes liveness on the liveness group, which a replay never fails, and lets a colour have its own startup budget', () => {
    const objects = objectsWith((c) => {
      c.apps[0].release.colors!.green.probes = { startup: { failureThreshold: 720 } };
    });
    const green = container(find(objects, 'Deployment', 'order-service-green'));
    expect(green.livenessProbe?.httpGet?.path).toBe('/actuator/health/liveness');
    expect(green.startupProbe?.failureThreshold).toBe(720);
    expect(container(find(objects, 'Deployment', 'order-service-blue')).startupProbe?.failureThreshold).toBe(60);
  });
});
