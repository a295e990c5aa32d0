/**
 * Construct tests: each construct in a Testing chart, fed a model, found by kind and name. They
 * check what the construct itself decides (object shape, fixed Kubernetes fields, the
 * restricted security context) and that it takes everything else from the model.
 */
import { Testing } from 'cdk8s';
import { AppRelease } from '../../../src/constructs/app-release';
import { AxonServerNode } from '../../../src/constructs/axon-server-node';
import { EnvironmentChart } from '../../../src/charts/environment';
import type { KubeObject } from '../../../src/synth/render';
import { blueGreen, blueGreenOf, enterprise, environment, validModel } from '../../support/builders';
import { defined, find } from '../../support/helpers';
import { jsonCopy } from '../../support/manifests';

const model = validModel(
  environment(enterprise({ 'axonserver-1': 'PRIMARY', 'axonserver-2': 'PRIMARY', 'axonserver-3': 'PRIMARY' }), [
    blueGreen('orders', ['CLEANING_UP', '1.0.0'], ['SERVING', '1.1.0']),
  ]),
);
const objectsOf = (build: (chart: ReturnType<typeof Testing.chart>) => void): KubeObject[] => {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart) as KubeObject[];
};

describe('AxonServerNode', () => {
  const node = model.axonServer.nodes[1];
  const objects = objectsOf((chart) => new AxonServerNode(chart, 'node', { node }));

  it('is exactly a StatefulSet and its headless Service, named after the node, restarted only by the controller', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Service/axonserver-2',
      'StatefulSet/axonserver-2',
    ]);
    const sts = find(objects, 'StatefulSet', 'axonserver-2');
    expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(sts.spec.template.spec.schedulingGates).toEqual([{ name: 'axon-deploy.io/start' }]);
    expect(sts.spec.template.spec.readinessGates).toEqual([{ conditionType: 'axon-deploy.io/in-cluster' }]);
  });

  it('keeps the node a singleton with retained claims that carry apiVersion and kind', () => {
    const sts = find(objects, 'StatefulSet', 'axonserver-2');
    expect(sts.spec).toMatchObject({
      replicas: 1,
      serviceName: 'axonserver-2',
      podManagementPolicy: 'OrderedReady',
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    expect(
      defined(sts.spec.volumeClaimTemplates).map((t) => [
        t.apiVersion,
        t.kind,
        t.metadata?.name,
        t.spec?.resources?.requests?.storage,
      ]),
    ).toEqual([
      ['v1', 'PersistentVolumeClaim', 'events', '10Gi'],
      ['v1', 'PersistentVolumeClaim', 'data', '1Gi'],
      ['v1', 'PersistentVolumeClaim', 'log', '1Gi'],
    ]);
    expect(sts.spec.selector.matchLabels).toEqual(node.selector);
    expect(sts.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': String(node.statefulSet.wave),
      'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
    });
  });

  it('renders the pod the model decided, under the restricted profile', () => {
    const spec = find(objects, 'StatefulSet', 'axonserver-2').spec.template.spec;
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1001,
      runAsGroup: 1001,
      fsGroup: 1001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(spec.containers[0].image).toBe(node.pod.containers[0].image);
    expect(defined(spec.containers[0].env).map((e) => e.name)).toEqual(node.pod.containers[0].env.map((e) => e.name));
    expect(spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0].topologyKey).toBe(
      'kubernetes.io/hostname',
    );
  });
});

describe('AppRelease', () => {
  const objects = objectsOf((chart) => new AppRelease(chart, 'orders', { app: model.apps[0] }));

  it('renders the running colour, the live Service, the release files, the AppRelease, the budget and the cleanup hook of a CLEANING_UP colour', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'AppRelease/orders',
      'ConfigMap/orders-release',
      'Deployment/orders-green',
      'Job/orders-blue-cleanup-1-0-0',
      'PodDisruptionBudget/orders',
      'Service/orders',
    ]);
    expect(find(objects, 'AppRelease', 'orders').spec).toEqual(jsonCopy(blueGreenOf(model.apps[0]).release.spec));
    expect(find(objects, 'ConfigMap', 'orders-release').data).toEqual(
      Object.fromEntries(blueGreenOf(model.apps[0]).releaseConfig.files),
    );
    expect(find(objects, 'Job', 'orders-blue-cleanup-1-0-0').metadata.annotations).toMatchObject({
      'argocd.argoproj.io/hook': 'PostSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    });
  });

  it('replaces pods without losing capacity', () => {
    expect(find(objects, 'Deployment', 'orders-green').spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
  });
});

describe('EnvironmentChart', () => {
  it("puts every object into the environment's namespace", () => {
    const chart = new EnvironmentChart(Testing.app(), 'test', { model });
    const objects = Testing.synth(chart) as KubeObject[];
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) expect(o.metadata.namespace).toBe('orders-test');
  });
});
