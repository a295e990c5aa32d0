import { parse } from 'yaml';
import { WAVE } from '../../src/domain/waves';
import { renderOutput } from '../../src/synth/render';
import { SchemaValidator } from '../../src/validate/schema-validator';
import { fixture, find, prodWith, synthText } from '../helpers';

const prod = fixture('prod').objects;
const wave = (o: any): number => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);
const waveOf = (objects: readonly any[], kind: string, name: string) => wave(find(objects, kind, name));
const NODES = ['axonserver-1', 'axonserver-2', 'axonserver-3', 'axonserver-archive-1', 'axonserver-archive-2'];

describe('sync waves', () => {
  it('annotates every object in dist/prod except hooks', () => {
    for (const o of prod) {
      if (o.kind === 'Job') continue;
      expect(Number.isInteger(wave(o))).toBe(true);
    }
  });

  it('puts StorageClasses, ConfigMaps, NetworkPolicies and PDBs first, then Services', () => {
    for (const o of prod) {
      if (['StorageClass', 'ConfigMap', 'NetworkPolicy', 'PodDisruptionBudget'].includes(o.kind)) expect(wave(o)).toBe(WAVE.config);
    }
    for (const name of [...NODES, 'axonserver-grpc', 'axonserver-ui']) expect(waveOf(prod, 'Service', name)).toBe(WAVE.services);
    expect(WAVE.config).toBeLessThan(WAVE.services);
  });

  it('gives the five prod nodes five distinct waves after config and Services: non-voters first, then voters in config order', () => {
    const waves = NODES.map((n) => waveOf(prod, 'StatefulSet', n));
    expect(new Set(waves).size).toBe(5);
    expect(Math.min(...waves)).toBeGreaterThan(WAVE.services);
    const order = [...NODES].sort((a, b) => waveOf(prod, 'StatefulSet', a) - waveOf(prod, 'StatefulSet', b));
    expect(order).toEqual(['axonserver-archive-1', 'axonserver-archive-2', 'axonserver-1', 'axonserver-2', 'axonserver-3']);
  });

  it('puts apps after every Axon Server node', () => {
    const lastNode = Math.max(...NODES.map((n) => waveOf(prod, 'StatefulSet', n)));
    for (const o of prod.filter((x) => x.kind === 'Deployment')) expect(wave(o)).toBeGreaterThan(lastNode);
  });

  it('orders a promotion: green (becoming SERVING) first, then the live Service, then blue (going STANDING_BY)', () => {
    const promoted = synthText('prod', prodWith((c) => {
      c.apps[0].release.colors = { blue: { version: '1.4.2', phase: 'STANDING_BY' }, green: { version: '1.5.0', phase: 'SERVING' } };
    })).objects;
    const green = waveOf(promoted, 'Deployment', 'order-service-green');
    const live = waveOf(promoted, 'Service', 'order-service');
    const blue = waveOf(promoted, 'Deployment', 'order-service-blue');
    expect(green).toBeLessThan(live);
    expect(live).toBeLessThan(blue);
    expect(find(promoted, 'Service', 'order-service').spec.selector['axon-deploy.io/color']).toBe('green');
  });

  it('orders a rollback the same way: the colour becoming SERVING again comes first', () => {
    const rolledBack = synthText('prod', prodWith((c) => {
      c.apps[0].release.colors = { blue: { version: '1.4.2', phase: 'SERVING' }, green: { version: '1.5.0', phase: 'STANDING_BY' } };
    })).objects;
    expect(waveOf(rolledBack, 'Deployment', 'order-service-blue')).toBeLessThan(waveOf(rolledBack, 'Service', 'order-service'));
    expect(waveOf(rolledBack, 'Service', 'order-service')).toBeLessThan(waveOf(rolledBack, 'Deployment', 'order-service-green'));
  });

  it('runs the cleanup Job after the sync (PostSync), when the colour\'s Deployment is gone', () => {
    const cleaning = synthText('prod', prodWith((c) => {
      c.apps[0].release.colors = { blue: { version: '1.4.2', phase: 'CLEANING_UP' }, green: { version: '1.5.0', phase: 'SERVING' } };
    })).objects;
    const job = find(cleaning, 'Job', 'order-service-blue-cleanup-1-4-2');
    expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBe('PostSync');
  });
});

describe('protection of stateful objects', () => {
  it('never prunes or deletes StatefulSets and StorageClasses, nor the per-node Services that name the nodes', () => {
    for (const o of prod.filter((x) => x.kind === 'StatefulSet' || x.kind === 'StorageClass')) {
      expect(o.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    }
    for (const name of NODES) expect(find(prod, 'Service', name).metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
  });

  it('leaves objects without data prunable', () => {
    for (const o of prod.filter((x) => x.kind === 'Deployment' || (x.kind === 'Service' && !NODES.includes(x.metadata.name)))) {
      expect(o.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBeUndefined();
    }
  });
});

describe('Argo CD Applications', () => {
  const tree = renderOutput(['dev', 'staging', 'prod'].map((env) => ({ model: fixture(env).model, sourceFile: `config/${env}.yaml` })));
  const application = (env: string) => parse(tree.get(`argocd/${env}.yaml`)!);

  it('writes one per environment to dist/argocd/<env>.yaml', () => {
    expect([...tree.keys()].filter((f) => f.startsWith('argocd/'))).toEqual(['argocd/dev.yaml', 'argocd/prod.yaml', 'argocd/staging.yaml']);
    for (const env of ['dev', 'staging', 'prod']) expect(application(env)).toMatchObject({ kind: 'Application', apiVersion: 'argoproj.io/v1alpha1' });
  });

  it('syncs dist/prod into the namespace, automated with prune and self-heal, CreateNamespace and PruneLast', () => {
    const app = application('prod');
    expect(app.metadata).toMatchObject({ name: 'orders-prod', namespace: 'argocd' });
    expect(app.spec.project).toBe('orders');
    expect(app.spec.source).toEqual({ repoURL: 'https://git.example.com/platform/orders-deploy.git', targetRevision: 'main', path: 'dist/prod' });
    expect(app.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'orders-prod' });
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(app.spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=true', 'PruneLast=true']);
    expect(app.metadata.finalizers).toBeUndefined();
  });

  it('uses a cluster name as destination when given', () => {
    expect(application('staging').spec.destination).toEqual({ name: 'staging', namespace: 'orders-staging' });
  });

  it('labels the namespace for restricted pod security: warn and audit, enforce on request', () => {
    expect(application('prod').spec.syncPolicy.managedNamespaceMetadata.labels).toMatchObject({
      'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted',
    });
    expect(application('prod').spec.syncPolicy.managedNamespaceMetadata.labels['pod-security.kubernetes.io/enforce']).toBeUndefined();
    const { model } = synthText('prod', prodWith((c) => { (c.argocd as any).enforcePodSecurity = true; }));
    const app = parse(renderOutput([{ model, sourceFile: 'config/prod.yaml' }]).get('argocd/prod.yaml')!);
    expect(app.spec.syncPolicy.managedNamespaceMetadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('can turn automated sync off', () => {
    const text = prodWith((c) => { (c.argocd as any).syncPolicy = { automated: { enabled: false } }; });
    const { model } = synthText('prod', text);
    const app = parse(renderOutput([{ model, sourceFile: 'config/prod.yaml' }]).get('argocd/prod.yaml')!);
    expect(app.spec.syncPolicy.automated).toBeUndefined();
    expect(app.spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=true', 'PruneLast=true']);
  });

  it('validates against the Argo CD v3.5.1 Application CRD schema', () => {
    const validator = new SchemaValidator();
    for (const env of ['dev', 'staging', 'prod']) expect(validator.validate(application(env))).toEqual([]);
    // and the check is real: a misspelt field fails
    expect(validator.validate({ ...application('prod'), spec: { ...application('prod').spec, sourc: {} } }))
      .toEqual([{ path: 'spec', message: 'must NOT have additional properties (sourc)' }]);
  });
});
