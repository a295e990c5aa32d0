import { WAVE } from '../../../src/domain/waves';
import { KubeObject, renderOutput, synthesizeParts } from '../../../src/synth/render';
import { SchemaValidator } from '../../../src/validate/schema-validator';
import { clusterTemplateOf, defined, fixture, find, has, ofKind, prodWith, synthText } from '../../support/helpers';
import { asKind, Kind, yamlObjects } from '../../support/manifests';

const prod = fixture('prod').objects;
const wave = (o: KubeObject): number => Number(defined(o.metadata.annotations)['argocd.argoproj.io/sync-wave']);
const waveOf = (objects: readonly KubeObject[], kind: Kind, name: string) => wave(find(objects, kind, name));
const appObjects = new Set(synthesizeParts(fixture('prod').model).apps.map((o) => `${o.kind}/${o.metadata.name}`));
/** Whether an object belongs to the apps Application (not the Axon Server one). */
const isAppObject = (o: KubeObject): boolean => appObjects.has(`${o.kind}/${o.metadata.name}`);
/** The Argo CD objects of an environment as rendered. */
const argoApplications = (env: string): KubeObject[] =>
  yamlObjects(
    renderOutput([{ model: fixture(env).model, sourceFile: `config/${env}.yaml` }]).get(`argocd/${env}.yaml`)!,
  );
const NODES = ['axonserver-1', 'axonserver-2', 'axonserver-3', 'axonserver-archive-1', 'axonserver-archive-2'];

describe('sync waves', () => {
  it('annotates every object in dist/prod, hooks too (their order among the waves)', () => {
    for (const o of prod) expect(Number.isInteger(wave(o))).toBe(true);
  });

  it('puts StorageClasses, ConfigMaps, NetworkPolicies and PDBs first, then Services (the release files switch with the live Service)', () => {
    const kinds = ['StorageClass', 'ConfigMap', 'NetworkPolicy', 'PodDisruptionBudget'];
    expect(prod.filter((o) => kinds.includes(o.kind)).length).toBeGreaterThan(5);
    for (const o of prod) {
      if (!kinds.includes(o.kind)) continue;
      const releaseFiles = o.kind === 'ConfigMap' && o.metadata.name.endsWith('-release');
      expect(`${o.kind}/${o.metadata.name} ${wave(o)}`).toBe(
        `${o.kind}/${o.metadata.name} ${releaseFiles ? WAVE.liveService : WAVE.config}`,
      );
    }
    for (const name of [...NODES, 'axonserver-grpc', 'axonserver-ui'])
      expect(waveOf(prod, 'Service', name)).toBe(WAVE.services);
    expect(WAVE.config).toBeLessThan(WAVE.services);
  });

  it('applies every node, the rollout controller and the backup CronJob in the last wave, which Argo CD never waits on', () => {
    const last = Math.max(...prod.filter((o) => !isAppObject(o)).map(wave));
    expect(last).toBe(WAVE.nodes);
    for (const node of NODES) expect(waveOf(prod, 'StatefulSet', node)).toBe(WAVE.nodes);
    expect(waveOf(prod, 'Deployment', 'axon-deploy-controller')).toBe(WAVE.nodes);
    expect(waveOf(prod, 'CronJob', 'axonserver-backup')).toBe(WAVE.nodes);
    expect(waveOf(prod, 'NodeRollout', 'axonserver')).toBe(WAVE.nodes);
  });

  it('leaves node restarts to the rollout controller: OnDelete StatefulSets, no hooks in the Axon Server Application', () => {
    for (const node of NODES) {
      const set = find(prod, 'StatefulSet', node);
      expect(set.spec.updateStrategy).toEqual({ type: 'OnDelete' });
      expect(set.spec.template.spec.schedulingGates).toEqual([{ name: 'axon-deploy.io/start' }]);
      expect(set.spec.template.spec.readinessGates).toEqual([{ conditionType: 'axon-deploy.io/in-cluster' }]);
    }
    const hooks = prod.filter((o) => !isAppObject(o) && o.metadata.annotations?.['argocd.argoproj.io/hook']);
    expect(hooks.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    const rollout = find(prod, 'NodeRollout', 'axonserver');
    // Non-voters first; among voters the controller restarts the leader last (decided from what it observes).
    expect(rollout.spec.nodes.map((n) => `${n.name} ${n.voter ? 'voter' : 'non-voter'}`)).toEqual([
      'axonserver-archive-1 non-voter',
      'axonserver-archive-2 non-voter',
      'axonserver-1 voter',
      'axonserver-2 voter',
      'axonserver-3 voter',
    ]);
    expect(clusterTemplateOf(prod).first).toBe('axonserver-1.orders-prod.svc.cluster.local:8224');
  });

  it('puts the Axon Server cluster and the apps into separate parts (separate Argo CD Applications)', () => {
    const parts = synthesizeParts(fixture('prod').model);
    expect(parts.apps.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'AppRelease/order-service',
      'Certificate/order-service-tls',
      expect.stringMatching(/^ConfigMap\/app-database-sql-[0-9a-f]{10}$/),
      'ConfigMap/order-service-release',
      'Deployment/notification-service',
      'Deployment/order-service-blue',
      'Deployment/order-service-green',
      'HorizontalPodAutoscaler/order-service-blue',
      'HorizontalPodAutoscaler/order-service-green',
      'Ingress/order-service',
      'Ingress/order-service-preview',
      'Job/order-service-green-database',
      'PodDisruptionBudget/notification-service',
      'PodDisruptionBudget/order-service',
      'PodMonitor/notification-service',
      'PodMonitor/order-service',
      'Service/notification-service',
      'Service/order-service',
      'Service/order-service-preview',
    ]);
    expect(parts['axon-server'].filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual([
      'axon-deploy-controller',
    ]);
  });

  it('leaves the switch to the rollout controller: a promotion changes the AppRelease, in the last wave, and no selector Argo CD would apply', () => {
    const promoted = synthText(
      'prod',
      prodWith((c) => {
        c.apps[0].release.colors = {
          blue: { version: '1.4.2', phase: 'STANDING_BY' },
          green: { version: '1.5.0', phase: 'SERVING' },
        };
      }),
    ).objects;
    const release = find(promoted, 'AppRelease', 'order-service');
    expect(wave(release)).toBe(WAVE.release);
    expect(Math.max(...promoted.filter(isAppObject).map(wave))).toBe(WAVE.release);
    expect([release.spec.colors.blue.phase, release.spec.colors.green.phase]).toEqual(['STANDING_BY', 'SERVING']);
    // The selector as rendered is only where a first install starts: Argo CD ignores it afterwards.
    const apps = asKind(
      defined(argoApplications('prod').find((o) => o.metadata.name === 'orders-prod-apps')),
      'Application',
    );
    expect(apps.spec.ignoreDifferences).toContainEqual({
      group: '',
      kind: 'Service',
      name: 'order-service',
      namespace: 'orders-prod',
      jsonPointers: ['/spec/selector'],
    });
    expect(apps.spec.syncPolicy?.syncOptions).toContain('RespectIgnoreDifferences=true');
    expect(promoted.filter((o) => o.kind === 'Job' && o.metadata.name.endsWith('-gate'))).toEqual([]);
  });

  it('creates the database of a colour that starts a release (a Sync hook) before any Deployment, and none in a promotion or rollback', () => {
    const deployments = prod.filter((o) => o.kind === 'Deployment' && isAppObject(o)).map(wave);
    const job = find(prod, 'Job', 'order-service-green-database');
    expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('Sync');
    expect(wave(job)).toBeLessThan(Math.min(...deployments));
    expect(has(prod, 'Job', 'order-service-blue-database')).toBe(false);
    for (const [blue, green] of [
      ['STANDING_BY', 'SERVING'],
      ['SERVING', 'STANDING_BY'],
    ] as const) {
      const objects = synthText(
        'prod',
        prodWith((c) => {
          c.apps[0].release.colors = {
            blue: { version: '1.4.2', phase: blue },
            green: { version: '1.5.0', phase: green },
          };
        }),
      ).objects;
      expect(objects.filter((o) => o.kind === 'Job' && o.metadata.name.endsWith('-database'))).toEqual([]);
    }
  });

  it("runs the cleanup Job after the sync (PostSync), when the colour's Deployment is gone", () => {
    const cleaning = synthText(
      'prod',
      prodWith((c) => {
        c.apps[0].release.colors = {
          blue: { version: '1.4.2', phase: 'CLEANING_UP' },
          green: { version: '1.5.0', phase: 'SERVING' },
        };
      }),
    ).objects;
    const job = find(cleaning, 'Job', 'order-service-blue-cleanup-1-4-2');
    expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PostSync');
  });
});

describe('protection of stateful objects', () => {
  it('never prunes or deletes StatefulSets and StorageClasses, nor the per-node Services that name the nodes', () => {
    for (const o of prod.filter((x) => x.kind === 'StatefulSet' || x.kind === 'StorageClass')) {
      expect(o.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    }
    for (const name of NODES)
      expect(find(prod, 'Service', name).metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe(
        'Prune=false,Delete=false',
      );
  });

  it('leaves objects without data prunable', () => {
    for (const o of prod.filter(
      (x) => x.kind === 'Deployment' || (x.kind === 'Service' && !NODES.includes(x.metadata.name)),
    )) {
      expect(o.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBeUndefined();
    }
  });
});

describe('Argo CD Applications', () => {
  const tree = renderOutput(
    ['dev', 'staging', 'prod'].map((env) => ({ model: fixture(env).model, sourceFile: `config/${env}.yaml` })),
  );
  const objectsOf = yamlObjects;
  const argo = (env: string) => objectsOf(tree.get(`argocd/${env}.yaml`)!);
  // (argoApplications, above, is the same for tests outside this block.)
  /** The Axon Server Application of an environment (the one that creates the namespace). */
  const application = (env: string) =>
    defined(ofKind(argo(env), 'Application').find((o) => o.metadata.name.endsWith('-axon-server')));

  it('writes an AppProject and two Applications per environment to dist/argocd/<env>.yaml', () => {
    expect([...tree.keys()].filter((f) => f.startsWith('argocd/'))).toEqual([
      'argocd/dev.yaml',
      'argocd/prod.yaml',
      'argocd/staging.yaml',
    ]);
    expect(
      argo('prod').map(
        (o) => `${o.kind}/${o.metadata.name} wave ${defined(o.metadata.annotations)['argocd.argoproj.io/sync-wave']}`,
      ),
    ).toEqual([
      'AppProject/orders-prod wave -1',
      'Application/orders-prod-axon-server wave 0',
      'Application/orders-prod-apps wave 1',
    ]);
  });

  it('syncs the cluster and the apps independently, each automated with prune and self-heal and PruneLast', () => {
    const [, clusterApplication, appsApplication] = argo('prod');
    const cluster = asKind(clusterApplication, 'Application');
    const apps = asKind(appsApplication, 'Application');
    expect(cluster.spec.source).toEqual({
      repoURL: 'https://git.example.com/platform/orders-deploy.git',
      targetRevision: 'main',
      path: 'dist/prod/axon-server',
    });
    expect(apps.spec.source?.path).toBe('dist/prod/apps');
    for (const app of [cluster, apps]) {
      expect(app.metadata.namespace).toBe('argocd');
      expect(app.spec.project).toBe('orders-prod');
      expect(app.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'orders-prod' });
      expect(app.spec.syncPolicy?.automated).toEqual({ prune: true, selfHeal: true });
      expect(app.metadata.finalizers).toBeUndefined();
    }
    expect(cluster.spec.syncPolicy?.syncOptions).toEqual(['CreateNamespace=true', 'PruneLast=true']);
    expect(apps.spec.syncPolicy?.syncOptions).toEqual(['PruneLast=true', 'RespectIgnoreDifferences=true']);
    expect(defined(apps.spec.syncPolicy).managedNamespaceMetadata).toBeUndefined();
  });

  it('renders an AppProject with least privilege: this repository and destination, only the kinds emitted, cluster-scoped ones by name', () => {
    const project = asKind(argo('prod')[0], 'AppProject');
    expect(project.spec).toEqual({
      description: 'axon-deploy: orders-prod-axon-server, orders-prod-apps',
      sourceRepos: ['https://git.example.com/platform/orders-deploy.git'],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'orders-prod' }],
      clusterResourceWhitelist: [
        { group: '', kind: 'Namespace', name: 'orders-prod' },
        { group: 'storage.k8s.io', kind: 'StorageClass', name: 'axon-archive' },
        { group: 'storage.k8s.io', kind: 'StorageClass', name: 'axon-fast' },
      ],
      namespaceResourceWhitelist: [
        { group: '', kind: 'ConfigMap' },
        { group: '', kind: 'Service' },
        { group: '', kind: 'ServiceAccount' },
        { group: 'apps', kind: 'Deployment' },
        { group: 'apps', kind: 'StatefulSet' },
        { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
        { group: 'axon-deploy.io', kind: 'AppRelease' },
        { group: 'axon-deploy.io', kind: 'NodeRollout' },
        { group: 'batch', kind: 'CronJob' },
        { group: 'batch', kind: 'Job' },
        { group: 'cert-manager.io', kind: 'Certificate' },
        { group: 'monitoring.coreos.com', kind: 'PodMonitor' },
        { group: 'networking.k8s.io', kind: 'Ingress' },
        { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
        { group: 'policy', kind: 'PodDisruptionBudget' },
        { group: 'rbac.authorization.k8s.io', kind: 'Role' },
        { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
      ],
    });
    const kinds = new Set(fixture('prod').objects.map((o) => o.kind));
    for (const k of defined(project.spec.namespaceResourceWhitelist)) expect(kinds.has(k.kind)).toBe(true);
  });

  it('uses an existing project when told not to render one', () => {
    const { model } = synthText(
      'prod',
      prodWith((c) => {
        c.argocd.project = 'default';
        c.argocd.createProject = false;
      }),
    );
    const objects = objectsOf(renderOutput([{ model, sourceFile: 'config/prod.yaml' }]).get('argocd/prod.yaml')!);
    expect(objects.map((o) => o.kind)).toEqual(['Application', 'Application']);
    for (const o of objects) expect(asKind(o, 'Application').spec.project).toBe('default');
  });

  it('uses a cluster name as destination when given', () => {
    expect(application('staging').spec.destination).toEqual({ name: 'staging', namespace: 'orders-staging' });
  });

  it('labels the namespace for restricted pod security: warn and audit, enforce on request', () => {
    expect(application('prod').spec.syncPolicy?.managedNamespaceMetadata?.labels).toMatchObject({
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    expect(
      defined(application('prod').spec.syncPolicy?.managedNamespaceMetadata?.labels)[
        'pod-security.kubernetes.io/enforce'
      ],
    ).toBeUndefined();
    const { model } = synthText(
      'prod',
      prodWith((c) => {
        c.argocd.enforcePodSecurity = true;
      }),
    );
    const app = asKind(
      objectsOf(renderOutput([{ model, sourceFile: 'config/prod.yaml' }]).get('argocd/prod.yaml')!)[1],
      'Application',
    );
    expect(app.spec.syncPolicy?.managedNamespaceMetadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe(
      'restricted',
    );
  });

  it('can turn automated sync off', () => {
    const text = prodWith((c) => {
      c.argocd.syncPolicy = { automated: { enabled: false } };
    });
    const { model } = synthText('prod', text);
    const app = asKind(
      objectsOf(renderOutput([{ model, sourceFile: 'config/prod.yaml' }]).get('argocd/prod.yaml')!)[1],
      'Application',
    );
    expect(defined(app.spec.syncPolicy).automated).toBeUndefined();
    expect(app.spec.syncPolicy?.syncOptions).toEqual(['CreateNamespace=true', 'PruneLast=true']);
  });

  it('validates against the Argo CD v3.5.1 Application and AppProject CRD schemas', () => {
    const validator = new SchemaValidator();
    for (const env of ['dev', 'staging', 'prod']) for (const o of argo(env)) expect(validator.validate(o)).toEqual([]);
    // and the check is real: a misspelt field fails
    expect(validator.validate({ ...application('prod'), spec: { ...application('prod').spec, sourc: {} } })).toEqual([
      { path: 'spec', message: 'must NOT have additional properties (sourc)' },
    ]);
  });
});
