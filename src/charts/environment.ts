import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AppRelease } from '../constructs/app-release';
import { ArgoCdApplication, ArgoCdProject, ResourceKind } from '../constructs/argocd-application';
import { AxonServerCluster } from '../constructs/axon-server-cluster';
import { ConfigFiles } from '../constructs/config-files';
import { RolloutController } from '../constructs/rollout-controller';
import { StorageClasses } from '../constructs/storage-classes';
import type { ArgoCdModel, EnvironmentModel } from '../model/types';

export interface EnvironmentChartProps {
  /** The environment as `loadEnvironments` or `buildEnvironment` modelled it. */
  readonly model: EnvironmentModel;
}

/** The namespaced objects of the Axon Server cluster: what the environment's axon-server Application syncs (with the StorageClasses). */
export class AxonServerChart extends Chart {
  constructor(scope: Construct, id: string, props: EnvironmentChartProps) {
    super(scope, id, { namespace: props.model.namespace });
    new AxonServerCluster(this, 'AxonServer', { model: props.model.axonServer });
    new RolloutController(this, 'RolloutController', { controller: props.model.controller });
  }
}

/** The app releases: what the environment's apps Application syncs. */
export class AppsChart extends Chart {
  constructor(scope: Construct, id: string, props: EnvironmentChartProps) {
    super(scope, id, { namespace: props.model.namespace });
    addApps(this, props.model);
  }
}

/** The app releases of an environment and what their Jobs share. */
function addApps(scope: Construct, model: EnvironmentModel): void {
  const support = model.appSupport;
  if (support.sqlScripts) new ConfigFiles(scope, 'SqlScripts', { config: support.sqlScripts });
  for (const app of model.apps) new AppRelease(scope, app.name, { app });
  // The team's own manifests, as they wrote them (in the environment's namespace).
  for (const extra of model.extras) {
    const { apiVersion, kind, metadata, ...rest } = extra;
    new ApiObject(scope, `extra-${kind}-${metadata.name}`, { ...rest, apiVersion, kind, metadata });
  }
}

/**
 * Every namespaced object of one environment in one chart: the Axon Server cluster and the app
 * releases. For a custom cdk8s app; `axon-deploy synth` renders the two parts separately.
 */
export class EnvironmentChart extends Chart {
  constructor(scope: Construct, id: string, props: EnvironmentChartProps) {
    super(scope, id, { namespace: props.model.namespace });
    new AxonServerCluster(this, 'AxonServer', { model: props.model.axonServer });
    new RolloutController(this, 'RolloutController', { controller: props.model.controller });
    addApps(this, props.model);
  }
}

/** The cluster-scoped objects of one environment (StorageClasses): no namespace. */
export class ClusterScopedChart extends Chart {
  constructor(scope: Construct, id: string, props: EnvironmentChartProps) {
    super(scope, id);
    new StorageClasses(this, 'StorageClasses', { storageClasses: props.model.axonServer.storageClasses });
  }
}

export interface ArgoCdChartProps {
  /** The environment's Argo CD objects as modelled (`EnvironmentModel.argocd`). */
  readonly model: ArgoCdModel;
  /**
   * What the AppProject allows (when axon-deploy renders it): the kinds the environment emits.
   * @default - no AppProject kinds: pass what the environment's charts synthesize
   */
  readonly kinds?: { readonly namespaced: readonly ResourceKind[]; readonly clusterScoped: readonly ResourceKind[] };
}

/** The Argo CD objects of one environment, in Argo CD's namespace: the AppProject and both Applications. */
export class ArgoCdChart extends Chart {
  constructor(scope: Construct, id: string, props: ArgoCdChartProps) {
    super(scope, id, { namespace: props.model.namespace });
    const m = props.model;
    if (m.project.create)
      new ArgoCdProject(this, 'Project', {
        model: m,
        namespaced: props.kinds?.namespaced ?? [],
        clusterScoped: props.kinds?.clusterScoped ?? [],
      });
    for (const application of m.applications) new ArgoCdApplication(this, application.part, { model: m, application });
  }
}
