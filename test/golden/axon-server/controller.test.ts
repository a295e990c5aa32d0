/**
 * The rollout controller as synth renders it: its code, its least-privilege Role, the pod that
 * runs it, and what the cluster needs once (the CRDs, Argo CD's health check).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTROLLER_BUNDLE } from '../../../src/assets';
import type { KubeObject } from '../../../src/synth/render';
import { defined, fixture, fixtureTree, find, ofKind, prodWith, ROOT, synthText } from '../../support/helpers';
import { asKind, jobSpecOf, volumeOf, yamlObjects } from '../../support/manifests';

const prod = fixture('prod').objects;
const controllerRules = (objects: readonly KubeObject[]) =>
  defined(find(objects, 'Role', 'axon-deploy-controller').rules, 'rules of the controller Role');

describe('the rollout controller', () => {
  it('runs the bundle this version of axon-deploy ships, from a ConfigMap named after its content', () => {
    const deployment = find(prod, 'Deployment', 'axon-deploy-controller');
    const code = defined(volumeOf(deployment.spec.template.spec, 'code').configMap).name;
    expect(code).toMatch(/^axon-deploy-controller-[0-9a-f]{10}$/);
    expect(find(prod, 'ConfigMap', defined(code)).data?.[CONTROLLER_BUNDLE]).toBe(
      fs.readFileSync(path.join(ROOT, 'lib', CONTROLLER_BUNDLE), 'utf8'),
    );
    const container = deployment.spec.template.spec.containers[0];
    expect(container.args).toEqual([`/app/${CONTROLLER_BUNDLE}`, 'run']);
    expect(container.image).toMatch(/^gcr\.io\/distroless\/nodejs24-debian12:nonroot@sha256:[0-9a-f]{64}$/);
    expect(deployment.spec.replicas).toBe(1);
  });

  it('may only do what it does: pods, StatefulSets and claims read, one Lease, Secrets by name', () => {
    const rules = controllerRules(prod).map(
      (r) =>
        `${defined(r.apiGroups).join(',') || 'core'} ${defined(r.resources).join(',')}${r.resourceNames ? ` [${r.resourceNames.length} by name]` : ''}: ${r.verbs.join(',')}`,
    );
    expect(rules).toEqual([
      'core pods: get,list,delete,patch',
      'core pods/status: patch',
      'core persistentvolumeclaims: get,list',
      'apps statefulsets: get,list',
      'axon-deploy.io noderollouts: get,list',
      'axon-deploy.io noderollouts/status: get,patch,update',
      'core events: create,patch',
      'coordination.k8s.io leases: create',
      'coordination.k8s.io leases [1 by name]: get,update',
      'core secrets [6 by name]: get',
      // The blue/green apps: the fields it owns, by name.
      'axon-deploy.io appreleases: get,list',
      'axon-deploy.io appreleases/status: get,patch,update',
      'core configmaps [1 by name]: get,patch',
      'core services [2 by name]: get,patch',
      'policy poddisruptionbudgets [1 by name]: get,patch',
      'apps deployments [2 by name]: get,patch',
      'autoscaling horizontalpodautoscalers [2 by name]: get,patch',
      'batch jobs [2 by name]: get',
    ]);
    const secrets = defined(controllerRules(prod).find((r) => defined(r.resources)[0] === 'secrets')).resourceNames;
    // The CA of 8024 and every token it reads or registers; never the licence or the internal token.
    expect(secrets).toEqual([
      'axon-deploy-controller-token',
      'axonserver-1-tls',
      'axonserver-admin-password',
      'axonserver-system-token',
      'notification-service-axon-token',
      'order-service-axon-token',
    ]);
  });

  it('may reach the REST and actuator ports through the NetworkPolicy', () => {
    const pod = find(prod, 'Deployment', 'axon-deploy-controller').spec.template;
    const policy = find(prod, 'NetworkPolicy', 'axonserver');
    const from = defined(policy.spec.ingress)
      .filter((rule) => defined(rule.ports).some((p) => p.port === 8024))
      .flatMap((rule) => defined(rule.from).map((f) => f.podSelector?.matchLabels));
    expect(
      from.some((labels) => Object.entries(labels ?? {}).every(([k, v]) => defined(pod.metadata.labels)[k] === v)),
    ).toBe(true);
  });

  it('is the same in every environment, and is one per environment', () => {
    for (const env of ['dev', 'staging', 'prod'])
      expect(ofKind(fixture(env).objects, 'NodeRollout').map((o) => o.metadata.name)).toEqual(['axonserver']);
  });

  it('takes its image, resources and poll interval from the config', () => {
    const objects = synthText(
      'prod',
      prodWith((c) => {
        c.controller = {
          image: 'registry.example.com/mirror/distroless-nodejs:24',
          pollSeconds: 10,
          resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '128Mi' } },
        };
      }),
    ).objects;
    const container = find(objects, 'Deployment', 'axon-deploy-controller').spec.template.spec.containers[0];
    expect(container.image).toBe('registry.example.com/mirror/distroless-nodejs:24');
    expect(container.env).toContainEqual({ name: 'AXON_DEPLOY_POLL_SECONDS', value: '10' });
    expect(container.resources?.requests).toEqual({ cpu: '50m', memory: '128Mi' });
  });

  it('pauses on request: axonServer.rollout.paused reaches the NodeRollout', () => {
    const objects = synthText(
      'prod',
      prodWith((c) => {
        c.axonServer.rollout = { paused: true };
      }),
    ).objects;
    expect(find(objects, 'NodeRollout', 'axonserver').spec.rollout).toEqual({
      maxLagEntries: 100,
      settleSeconds: 30,
      stuckAfterSeconds: 900,
      minActiveBackups: 1,
      paused: true,
    });
  });
});

describe('the AppRelease of a blue/green app', () => {
  it('says what the controller may switch and how: colours, scale per phase, guards, where to ask Axon Server', () => {
    const release = find(prod, 'AppRelease', 'order-service');
    expect(release.spec.objects).toEqual({
      liveService: 'order-service',
      previewService: 'order-service-preview',
      podDisruptionBudget: 'order-service',
      releaseConfigMap: 'order-service-release',
    });
    expect(release.spec.colors.green).toMatchObject({
      version: '1.5.0',
      phase: 'INITIALISING',
      deployment: 'order-service-green',
      component: 'order-service-green',
      autoscaler: 'order-service-green',
    });
    expect(release.spec.promotion).toEqual({
      processors: true,
      maxLagEvents: 100,
      ignoredProcessors: ['order-notifications', 'payment-saga'],
      timeoutSeconds: 900,
      droppedHandlers: [],
    });
    expect(release.spec.axonServer.nodes).toEqual(['axonserver-1', 'axonserver-2', 'axonserver-3']);
  });

  it('with autoPromote, carries the Job that cleans each colour up, and lets the controller create it', () => {
    const objects = synthText(
      'prod',
      prodWith((c) => {
        c.apps[0].release.autoPromote = { standBySeconds: 600 };
      }),
    ).objects;
    const release = find(objects, 'AppRelease', 'order-service');
    expect(release.spec.autoPromote).toEqual({ standBySeconds: 600 });
    const job = defined(release.spec.colors.blue.cleanupJob);
    expect(job.name).toBe('order-service-blue-cleanup-1-4-2');
    const jobSpec = jobSpecOf(job.spec);
    expect(defined(jobSpec.template.spec.initContainers).map((c) => c.name)).toEqual(['drop-database']);
    expect(jobSpec.template.spec.restartPolicy).toBe('Never');
    const rules = find(objects, 'Role', 'axon-deploy-controller').rules;
    expect(rules).toContainEqual({ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] });
    expect(rules).toContainEqual({
      apiGroups: ['batch'],
      resources: ['jobs'],
      verbs: ['get'],
      resourceNames: ['order-service-blue-cleanup-1-4-2', 'order-service-green-cleanup-1-5-0'],
    });
  });
});

describe('once per cluster: dist/cluster', () => {
  const tree = fixtureTree();

  it('holds the CustomResourceDefinitions, never pruned or deleted with an Application', () => {
    const crds = yamlObjects(tree.get('cluster/crds.yaml')!);
    expect(crds.map((c) => `${c.kind}/${c.metadata.name}`)).toEqual([
      'CustomResourceDefinition/noderollouts.axon-deploy.io',
      'CustomResourceDefinition/appreleases.axon-deploy.io',
    ]);
    for (const crd of crds.map((c) => asKind(c, 'CustomResourceDefinition'))) {
      expect(crd.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
      expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage, Object.keys(defined(v.subresources))])).toEqual(
        [['v1alpha1', true, true, ['status']]],
      );
    }
  });

  it("holds Argo CD's health check of the kinds, as a patch of argocd-cm", () => {
    const patch = asKind(yamlObjects(tree.get('cluster/argocd-cm-health.patch.yaml')!)[0], 'ConfigMap');
    expect(Object.keys(defined(patch.data))).toEqual([
      'resource.customizations.health.axon-deploy.io_AppRelease',
      'resource.customizations.health.axon-deploy.io_NodeRollout',
    ]);
    expect(patch.data?.['resource.customizations.health.axon-deploy.io_NodeRollout']).toBe(
      fs.readFileSync(path.join(ROOT, 'src/scripts/argocd/health.lua'), 'utf8'),
    );
  });
});
