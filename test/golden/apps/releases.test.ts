import type { KubeObject } from '../../../src/synth/render';
import {
  container,
  defined,
  fixture,
  diagnose,
  envOf,
  find,
  has,
  ofKind,
  ProdConfig,
  prodWith,
  synthText,
  withoutPosition,
} from '../../support/helpers';
import { stringOf } from '../../support/manifests';

const prod = fixture('prod').objects;

/** prod.yaml with order-service's colours set as given. */
function withColors(blue: string, green: string, versions: [string, string] = ['1.4.2', '1.5.0']) {
  return synthText(
    'prod',
    prodWith((c) => {
      c.apps[0].release.colors = {
        blue: { version: versions[0], phase: blue },
        green: { version: versions[1], phase: green },
      };
    }),
  ).objects;
}
const problems = (edit: (c: ProdConfig) => void) =>
  diagnose({ 'prod.yaml': prodWith(edit) })
    .lines.map(withoutPosition)
    .sort();

describe('blue/green in prod', () => {
  it('runs order-service-blue (SERVING, 1.4.2) and order-service-green (INITIALISING, 1.5.0)', () => {
    const blue = find(prod, 'Deployment', 'order-service-blue');
    const green = find(prod, 'Deployment', 'order-service-green');
    // Pinned by digest, the version still the tag.
    expect(container(blue).image).toMatch(
      /^registry\.example\.com\/orders\/order-service:1\.4\.2@sha256:[0-9a-f]{64}$/,
    );
    expect(container(green).image).toMatch(
      /^registry\.example\.com\/orders\/order-service:1\.5\.0@sha256:[0-9a-f]{64}$/,
    );
    expect(blue.metadata.labels).toMatchObject({
      'app.kubernetes.io/version': '1.4.2',
      'axon-deploy.io/color': 'blue',
      'axon-deploy.io/phase': 'SERVING',
    });
    expect(green.metadata.labels).toMatchObject({
      'app.kubernetes.io/version': '1.5.0',
      'axon-deploy.io/color': 'green',
      'axon-deploy.io/phase': 'INITIALISING',
    });
    // Autoscaled: the count is the autoscaler's, from a floor of 3 for both.
    expect([blue.spec.replicas, green.spec.replicas]).toEqual([undefined, undefined]);
    expect(
      ['blue', 'green'].map((c) => find(prod, 'HorizontalPodAutoscaler', `order-service-${c}`).spec.minReplicas),
    ).toEqual([3, 3]);
  });

  it('selects pods by app name and colour only: never version or phase', () => {
    expect(find(prod, 'Deployment', 'order-service-blue').spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'order-service', 'axon-deploy.io/color': 'blue' },
    });
    expect(find(prod, 'Deployment', 'order-service-green').spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'order-service', 'axon-deploy.io/color': 'green' },
    });
  });

  it('points the live Service at blue and the preview Service at green', () => {
    expect(find(prod, 'Service', 'order-service').spec.selector).toEqual({
      'app.kubernetes.io/name': 'order-service',
      'axon-deploy.io/color': 'blue',
    });
    expect(find(prod, 'Service', 'order-service-preview').spec.selector).toEqual({
      'app.kubernetes.io/name': 'order-service',
      'axon-deploy.io/color': 'green',
    });
    expect(find(prod, 'Service', 'order-service').spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
    ]);
  });

  it('gives each colour its own database and processor suffix', () => {
    const blue = envOf(container(find(prod, 'Deployment', 'order-service-blue')));
    const green = envOf(container(find(prod, 'Deployment', 'order-service-green')));
    expect(blue.SPRING_DATASOURCE_URL).toBe('jdbc:postgresql://orders-db:5432/orders_view_blue');
    expect(green.SPRING_DATASOURCE_URL).toBe('jdbc:postgresql://orders-db:5432/orders_view_green');
    expect(blue.DEPLOYMENT_PROCESSOR_SUFFIX).toBe('-blue');
    expect(green.DEPLOYMENT_PROCESSOR_SUFFIX).toBe('-green');
  });

  it('injects the connection, identity, storage, side-effect and shutdown variables — none of them phase-dependent', () => {
    const green = envOf(container(find(prod, 'Deployment', 'order-service-green')));
    const secret = (name: string, key: string) => ({ secretKeyRef: { name, key } });
    expect(green).toEqual({
      AXON_AXONSERVER_SERVERS:
        'axonserver-1.orders-prod.svc.cluster.local:8124,axonserver-2.orders-prod.svc.cluster.local:8124,axonserver-3.orders-prod.svc.cluster.local:8124',
      AXON_AXONSERVER_CONTEXT: 'orders',
      AXON_AXONSERVER_TOKEN: secret('order-service-axon-token', 'token'),
      AXON_AXONSERVER_COMPONENT_NAME: 'order-service-green',
      AXON_AXONSERVER_SSL_ENABLED: 'true',
      AXON_AXONSERVER_CERT_FILE: '/etc/axon-deploy/axonserver-ca/ca.crt',
      DEPLOYMENT_COLOR: 'green',
      DEPLOYMENT_RELEASE_DIR: '/etc/axon-deploy/release',
      DEPLOYMENT_VERSION: '1.5.0',
      DEPLOYMENT_PROCESSOR_SUFFIX: '-green',
      DEPLOYMENT_READ_MODEL_DATABASE: 'orders_view_green',
      DEPLOYMENT_SIDE_EFFECT_PROCESSING_GROUPS: 'order-notifications,payment-saga',
      DEPLOYMENT_SIDE_EFFECT_START: 'tail',
      DEPLOYMENT_SIDE_EFFECT_DATASOURCE_URL: 'jdbc:postgresql://orders-db:5432/orders_tokens',
      DEPLOYMENT_SIDE_EFFECT_DATASOURCE_USERNAME: secret('orders-db-credentials', 'username'),
      DEPLOYMENT_SIDE_EFFECT_DATASOURCE_PASSWORD: secret('orders-db-credentials', 'password'),
      SERVER_PORT: '8080',
      SERVER_SHUTDOWN: 'graceful',
      SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE: '30s',
      SPRING_DATASOURCE_URL: 'jdbc:postgresql://orders-db:5432/orders_view_green',
      SPRING_DATASOURCE_USERNAME: secret('orders-db-credentials', 'username'),
      SPRING_DATASOURCE_PASSWORD: secret('orders-db-credentials', 'password'),
      JAVA_TOOL_OPTIONS: '-XX:MaxRAMPercentage=75',
      MANAGEMENT_SERVER_PORT: '8081',
    });
  });

  it('gives every colour the same side-effect processing groups and token store: one name, one store', () => {
    const keys = [
      'DEPLOYMENT_SIDE_EFFECT_PROCESSING_GROUPS',
      'DEPLOYMENT_SIDE_EFFECT_DATASOURCE_URL',
      'DEPLOYMENT_SIDE_EFFECT_DATASOURCE_USERNAME',
      'DEPLOYMENT_SIDE_EFFECT_DATASOURCE_PASSWORD',
    ];
    const pick = (d: string) => {
      const env = envOf(container(find(prod, 'Deployment', d)));
      return keys.map((k) => env[k]);
    };
    expect(pick('order-service-blue')).toEqual(pick('order-service-green'));
    expect(pick('order-service-blue')[0]).toBe('order-notifications,payment-saga');
  });

  it("lists only the nodes that serve the app's context as servers", () => {
    const servers = stringOf(envOf(container(find(prod, 'Deployment', 'order-service-blue'))).AXON_AXONSERVER_SERVERS);
    expect(servers).not.toContain('archive');
  });

  it('has a PodDisruptionBudget for the SERVING colour only', () => {
    expect(find(prod, 'PodDisruptionBudget', 'order-service').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'order-service', 'axon-deploy.io/color': 'blue' } },
    });
  });

  it("rolls a colour's pods without losing capacity, and lets in-flight requests finish", () => {
    const blue = find(prod, 'Deployment', 'order-service-blue');
    expect(blue.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(blue.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    expect(container(blue).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
  });

  it('probes the Spring Boot health groups', () => {
    const c = container(find(prod, 'Deployment', 'order-service-blue'));
    // On the management port (order-service sets one: it is exposed outside the cluster).
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/actuator/health/liveness', port: 'management', scheme: 'HTTP' });
    expect(c.readinessProbe?.httpGet).toEqual({
      path: '/actuator/health/readiness',
      port: 'management',
      scheme: 'HTTP',
    });
    expect(c.startupProbe?.httpGet).toEqual({ path: '/actuator/health/liveness', port: 'management', scheme: 'HTTP' });
  });

  it('runs apps under the restricted pod security profile', () => {
    const spec = find(prod, 'Deployment', 'order-service-blue').spec.template.spec;
    // fsGroup: mounted Secrets (mode 0440) and claims are readable by the app's group.
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1001,
      runAsGroup: 1001,
      fsGroup: 1001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container({ spec: { template: { spec } } }).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(spec.automountServiceAccountToken).toBe(false);
  });
});

describe('every phase', () => {
  it('SCHEDULED and OBSOLETE emit nothing for the colour', () => {
    const objects = withColors('SERVING', 'SCHEDULED');
    const appJobs = (objects: readonly KubeObject[]) =>
      ofKind(objects, 'Job').filter((j) => j.metadata.labels?.['app.kubernetes.io/instance'] === 'order-service-green');
    expect(has(objects, 'Deployment', 'order-service-green')).toBe(false);
    expect(appJobs(objects)).toEqual([]);
    expect(has(objects, 'Service', 'order-service-preview')).toBe(false);
    const obsolete = withColors('SERVING', 'OBSOLETE');
    expect(has(obsolete, 'Deployment', 'order-service-green')).toBe(false);
    expect(appJobs(obsolete)).toEqual([]);
  });

  it('INITIALISING runs the colour, reachable through the preview Service only', () => {
    const objects = withColors('SERVING', 'INITIALISING');
    expect(has(objects, 'Deployment', 'order-service-green')).toBe(true);
    expect(find(objects, 'Service', 'order-service').spec.selector?.['axon-deploy.io/color']).toBe('blue');
    expect(find(objects, 'Service', 'order-service-preview').spec.selector?.['axon-deploy.io/color']).toBe('green');
  });

  it('SERVING is what the live Service selects', () => {
    const objects = withColors('STANDING_BY', 'SERVING');
    expect(find(objects, 'Service', 'order-service').spec.selector?.['axon-deploy.io/color']).toBe('green');
    expect(
      find(objects, 'PodDisruptionBudget', 'order-service').spec.selector?.matchLabels?.['axon-deploy.io/color'],
    ).toBe('green');
  });

  it('STANDING_BY keeps the colour running at standbyReplicas, behind the preview Service when nothing initialises', () => {
    const objects = withColors('STANDING_BY', 'SERVING');
    const blue = find(objects, 'Deployment', 'order-service-blue');
    // The autoscaler owns the count: its floor is standbyReplicas.
    expect(blue.spec.replicas).toBeUndefined();
    expect(find(objects, 'HorizontalPodAutoscaler', 'order-service-blue').spec.minReplicas).toBe(1);
    const fixed = find(
      synthText(
        'prod',
        prodWith((c) => {
          delete c.apps[0].autoscaling;
          c.apps[0].release.colors = {
            blue: { version: '1.4.2', phase: 'STANDING_BY' },
            green: { version: '1.5.0', phase: 'SERVING' },
          };
        }),
      ).objects,
      'Deployment',
      'order-service-blue',
    );
    expect(fixed.spec.replicas).toBe(1);
    expect(blue.metadata.labels?.['axon-deploy.io/phase']).toBe('STANDING_BY');
    expect(find(objects, 'Service', 'order-service-preview').spec.selector?.['axon-deploy.io/color']).toBe('blue');
  });

  it('CLEANING_UP removes the Deployment and runs a cleanup Job named by colour and version that drops its database and its tokens', () => {
    const objects = withColors('CLEANING_UP', 'SERVING');
    expect(has(objects, 'Deployment', 'order-service-blue')).toBe(false);
    const job = find(objects, 'Job', 'order-service-blue-cleanup-1-4-2');
    expect(job.spec.ttlSecondsAfterFinished).toBe(86400);
    expect(job.spec.backoffLimit).toBe(2);
    // a Job that cannot start fails instead of holding the Argo CD sync open
    expect(job.spec.activeDeadlineSeconds).toBe(3600);
    const spec = job.spec.template.spec;
    expect(spec.restartPolicy).toBe('Never');
    const [drop] = defined(spec.initContainers);
    const [tokens] = spec.containers;
    expect([drop.name, drop.image, drop.command, drop.args]).toEqual([
      'drop-database',
      'postgres:17-alpine',
      ['psql'],
      ['-X', '-v', 'ON_ERROR_STOP=1', '-v', 'db=orders_view_blue', '-f', '/sql/drop.sql'],
    ]);
    // it drops orders_view_blue, so it connects to the maintenance database
    expect(envOf(drop)).toMatchObject({
      PGHOST: 'orders-db',
      PGPORT: '5432',
      PGDATABASE: 'postgres',
      PGUSER: { secretKeyRef: { name: 'orders-db-credentials', key: 'username' } },
    });
    expect([tokens.name, tokens.args]).toEqual([
      'delete-tokens',
      [
        '-X',
        '-v',
        'ON_ERROR_STOP=1',
        '-v',
        'token_table=token_entry',
        '-v',
        'processor_column=processor_name',
        '-v',
        'pattern=%-blue',
        '-f',
        '/sql/delete-positions.sql',
      ],
    ]);
    expect(envOf(tokens)).toMatchObject({ PGDATABASE: 'orders_tokens' });
    expect(job.metadata.annotations).toMatchObject({
      'argocd.argoproj.io/hook': 'PostSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    });
    expect(has(objects, 'Service', 'order-service-preview')).toBe(false);
  });

  it('CLEANING_UP without a database axon-deploy manages runs the app in cleanup mode', () => {
    const objects = synthText(
      'prod',
      prodWith((c) => {
        c.apps[0].release.colors = {
          blue: { version: '1.4.2', phase: 'CLEANING_UP' },
          green: { version: '1.5.0', phase: 'SERVING' },
        };
        defined(c.apps[0].readModel).manage = false;
      }),
    ).objects;
    const job = find(objects, 'Job', 'order-service-blue-cleanup-1-4-2');
    expect(container(job).image).toBe('registry.example.com/orders/order-service:1.4.2');
    expect(envOf(container(job))).toMatchObject({
      DEPLOYMENT_PHASE: 'CLEANING_UP',
      DEPLOYMENT_COLOR: 'blue',
      DEPLOYMENT_READ_MODEL_DATABASE: 'orders_view_blue',
      DEPLOYMENT_PROCESSOR_SUFFIX: '-blue',
    });
  });

  it('without a SERVING colour there is no live Service, and a warning', () => {
    const objects = withColors('INITIALISING', 'SCHEDULED');
    expect(has(objects, 'Service', 'order-service')).toBe(false);
    expect(has(objects, 'PodDisruptionBudget', 'order-service')).toBe(false);
    expect(
      problems((c) => {
        c.apps[0].release.colors = {
          blue: { version: '1.0.0', phase: 'INITIALISING' },
          green: { version: '1.0.1', phase: 'SCHEDULED' },
        };
      }),
    ).toEqual([
      'apps[0].release.colors: warning: no colour is SERVING while blue is running: nothing is live and the live Service order-service is not created',
    ]);
  });
});

describe('release checks', () => {
  it('allows at most one SERVING colour', () => {
    expect(
      problems((c) => {
        c.apps[0].release.colors!.green.phase = 'SERVING';
      }),
    ).toEqual([
      'apps[0].release.colors: both colours are SERVING: the live Service can select only one; make the other STANDING_BY',
    ]);
  });

  it('asks for quotes around a version YAML reads as a number', () => {
    const text = prodWith(() => undefined).replace('version: 1.5.0', 'version: 1.5');
    const lines = diagnose({ 'prod.yaml': text }).lines.map(withoutPosition);
    expect(lines).toEqual([
      'apps[0].release.colors.green.version: expected a version string, got 1.5 (YAML reads 1.5 as a number: write "1.5" in quotes)',
    ]);
  });

  it('warns when both running colours have the same version', () => {
    expect(
      problems((c) => {
        c.apps[0].release.colors!.green.version = '1.4.2';
      }),
    ).toEqual([
      'apps[0].release.colors: warning: both running colours are version 1.4.2: fine for rebuilding a read model, otherwise a slip',
    ]);
  });

  it('refuses injected variables in env, naming where they come from', () => {
    expect(
      problems((c) => {
        c.apps[0].env = { AXON_AXONSERVER_CONTEXT: 'other', SPRING_DATASOURCE_URL: 'jdbc:x' };
      }),
    ).toEqual([
      'apps[0].env.AXON_AXONSERVER_CONTEXT: AXON_AXONSERVER_CONTEXT is set by axon-deploy (from context); remove it here',
      'apps[0].env.SPRING_DATASOURCE_URL: SPRING_DATASOURCE_URL is set by axon-deploy (from readModel); remove it here',
    ]);
  });

  it("passes the user's SPRING_PROFILES_ACTIVE as written (no phase profile: the phase is in the release files) and sorts the user's variables", () => {
    const objects = synthText(
      'prod',
      prodWith((c) => {
        c.apps[0].env = { ZZZ: '1', SPRING_PROFILES_ACTIVE: 'prod,kafka', AAA: '2' };
      }),
    ).objects;
    const env = defined(container(find(objects, 'Deployment', 'order-service-blue')).env).map((e) => e.name);
    expect(envOf(container(find(objects, 'Deployment', 'order-service-blue'))).SPRING_PROFILES_ACTIVE).toBe(
      'prod,kafka',
    );
    expect(env.slice(-3)).toEqual(['AAA', 'SPRING_PROFILES_ACTIVE', 'ZZZ']);
  });

  it('requires a token Secret when access control is on', () => {
    expect(
      problems((c) => {
        delete c.apps[1].tokenSecret;
      }),
    ).toEqual([
      "apps[1].tokenSecret: required: access control is enabled on Axon Server, so the app needs a token (a Secret with the app's token)",
    ]);
  });

  it("requires the app's context to exist", () => {
    expect(
      problems((c) => {
        c.apps[1].context = 'ordrs';
      }),
    ).toEqual(['apps[1].context: no replication group stores context "ordrs"; contexts: orders']);
  });

  it('keeps a grace period of at least the pre-stop pause plus 10 s', () => {
    expect(
      problems((c) => {
        c.apps[1].terminationGracePeriodSeconds = 15;
      }),
    ).toEqual([
      'apps[1].terminationGracePeriodSeconds: expected at least preStopSleepSeconds + 10 (20), got 15: after the pre-stop pause the app needs time to finish in-flight requests and stop its processors',
    ]);
  });

  it('refuses an image with a tag (the tag is the version)', () => {
    expect(
      problems((c) => {
        c.apps[1].image = 'registry.example.com/orders/notification-service:2.0.1';
      }),
    ).toEqual([
      'apps[1].image: expected an image repository without tag or digest, got "registry.example.com/orders/notification-service:2.0.1" (the tag comes from the release version)',
    ]);
  });

  it('refuses a cleanup Job name longer than Kubernetes allows', () => {
    const version = `1.0.0-${'a'.repeat(40)}`;
    expect(
      problems((c) => {
        c.apps[0].release.colors = {
          blue: { version, phase: 'CLEANING_UP' },
          green: { version: '2.0.0', phase: 'SERVING' },
        };
      }),
    ).toEqual([
      `apps[0].release.colors.blue.version: the cleanup Job name "order-service-blue-cleanup-1-0-0-${'a'.repeat(40)}" has 73 characters, more than Kubernetes allows (63): shorten the app name or the version`,
    ]);
  });

  it('refuses two apps with the same name', () => {
    expect(
      problems((c) => {
        c.apps[1].name = 'order-service';
        c.apps[1].release = { strategy: 'rolling', version: '1.0.0' };
      }),
    ).toEqual(['apps[1].name: app "order-service" is declared twice']);
  });
});

describe('rolling releases', () => {
  it('runs notification-service as one rolling Deployment with the live Service', () => {
    const d = find(prod, 'Deployment', 'notification-service');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(d.spec.minReadySeconds).toBe(10);
    expect(d.spec.selector).toEqual({
      matchLabels: {
        'app.kubernetes.io/name': 'notification-service',
        'app.kubernetes.io/instance': 'notification-service',
      },
    });
    expect(container(d).image).toBe('registry.example.com/orders/notification-service:2.0.1');
    expect(find(prod, 'Service', 'notification-service').spec.selector).toEqual(d.spec.selector.matchLabels);
    expect(has(prod, 'Deployment', 'notification-service-blue')).toBe(false);
    expect(has(prod, 'Service', 'notification-service-preview')).toBe(false);
    const env = envOf(container(d));
    expect(env).toMatchObject({ DEPLOYMENT_PROCESSOR_SUFFIX: '' });
    expect(env.DEPLOYMENT_COLOR).toBeUndefined();
    expect(env.DEPLOYMENT_PHASE).toBeUndefined();
  });
});

describe('moving between rolling and blue/green (adopt)', () => {
  const withDb = (release: ProdConfig['apps'][number]['release']) =>
    synthText(
      'prod',
      prodWith((c) => {
        c.apps[1].readModel = {
          jdbcUrl: 'jdbc:postgresql://orders-db:5432',
          database: 'notifications',
          credentialsSecret: 'notifications-db',
        };
        c.apps[1].release = release;
      }),
    ).objects;
  const rolling = envOf(
    container(find(withDb({ strategy: 'rolling', version: '2.0.1' }), 'Deployment', 'notification-service')),
  );

  it("lets the adopting colour continue the rolling app's processor names and database; the other colour gets its own", () => {
    const objects = withDb({
      strategy: 'blueGreen',
      adopt: 'blue',
      colors: { blue: { version: '2.0.1', phase: 'SERVING' }, green: { version: '2.1.0', phase: 'INITIALISING' } },
    });
    const blue = envOf(container(find(objects, 'Deployment', 'notification-service-blue')));
    const green = envOf(container(find(objects, 'Deployment', 'notification-service-green')));
    expect([blue.DEPLOYMENT_PROCESSOR_SUFFIX, blue.SPRING_DATASOURCE_URL]).toEqual([
      rolling.DEPLOYMENT_PROCESSOR_SUFFIX,
      rolling.SPRING_DATASOURCE_URL,
    ]);
    expect([green.DEPLOYMENT_PROCESSOR_SUFFIX, green.SPRING_DATASOURCE_URL]).toEqual([
      '-green',
      'jdbc:postgresql://orders-db:5432/notifications_green',
    ]);
  });

  it("lets a rolling Deployment continue a colour's processor names and database", () => {
    const env = envOf(
      container(
        find(withDb({ strategy: 'rolling', version: '2.1.0', adopt: 'green' }), 'Deployment', 'notification-service'),
      ),
    );
    expect([env.DEPLOYMENT_PROCESSOR_SUFFIX, env.SPRING_DATASOURCE_URL]).toEqual([
      '-green',
      'jdbc:postgresql://orders-db:5432/notifications_green',
    ]);
  });

  it("drops the adopted database, the adopting colour's own, when that colour is cleaned up; the other colour's stays", () => {
    const objects = withDb({
      strategy: 'blueGreen',
      adopt: 'blue',
      colors: { blue: { version: '2.0.1', phase: 'CLEANING_UP' }, green: { version: '2.1.0', phase: 'SERVING' } },
    });
    const [drop] = find(objects, 'Job', 'notification-service-blue-cleanup-2-0-1').spec.template.spec.containers;
    expect(drop.args).toEqual(['-X', '-v', 'ON_ERROR_STOP=1', '-v', 'db=notifications', '-f', '/sql/drop.sql']);
  });
});

describe('side-effect checks', () => {
  it('requires a shared token store when there are side-effect processing groups', () => {
    expect(
      problems((c) => {
        delete c.apps[0].sideEffects!.store;
      }),
    ).toEqual([
      expect.stringMatching(/^apps\[0\]\.sideEffects\.store: required when there are side-effect processing groups/),
    ]);
  });

  it("refuses a side-effect processing group named like a colour's processor (the cleanup would delete its tokens)", () => {
    expect(
      problems((c) => {
        c.apps[0].sideEffects!.processingGroups = ['order-notifications', 'mail-green'];
      }),
    ).toEqual([expect.stringMatching(/^apps\[0\]\.sideEffects\.processingGroups\[1\]: "mail-green" ends in "-green"/)]);
  });
});
