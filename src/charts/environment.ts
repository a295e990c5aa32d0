import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AppRelease } from '../constructs/app-release';
import { ArgoCdApplication } from '../constructs/argocd-application';
import { AxonServerCluster } from '../constructs/axon-server-cluster';
import { StorageClasses } from '../constructs/storage-classes';
import type { ArgoCdModel, EnvironmentModel } from '../model/types';

export interface EnvironmentChartProps {
  /** The environment as `loadEnvironments` or `buildEnvironment` modelled it. */
  readonly model: EnvironmentModel;
}

/** The namespaced objects of one environment: the Axon Server cluster and the app releases. */
export class EnvironmentChart extends Chart {
  constructor(scope: Construct, id: string, props: EnvironmentChartProps) {
    super(scope, id, { namespace: props.model.namespace });
    new AxonServerCluster(this, 'AxonServer', { model: props.model.axonServer });
    for (const app of props.model.apps) new AppRelease(this, app.name, { app });
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
  /** The environment's Argo CD Application as modelled (`EnvironmentModel.argocd`). */
  readonly model: ArgoCdModel;
}

/** The Argo CD Application of one environment, in Argo CD's namespace. */
export class ArgoCdChart extends Chart {
  constructor(scope: Construct, id: string, props: ArgoCdChartProps) {
    super(scope, id, { namespace: props.model.namespace });
    new ArgoCdApplication(this, 'Application', { model: props.model });
  }
}
