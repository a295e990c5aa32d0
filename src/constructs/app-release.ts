import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { ApiObject } from 'cdk8s';
import type { AppModel, AppReleaseModel, DeploymentModel, JobModel } from '../model/types';
import { ConfigFiles } from './config-files';
import { objectMeta } from './meta';
import { Autoscaler, HttpIngress, HttpRoute, PodMonitor } from './observability';
import { Certificate } from './security';
import { podTemplate } from './pod';
import { PodDisruptionBudget } from './pod-disruption-budget';
import { Service } from './service';

export interface AppReleaseProps {
  /** The app's release as the model decided it. */
  readonly app: AppModel;
}

/**
 * An app's release: the Deployment of each running colour (or the one rolling Deployment), the
 * live and preview Services, the disruption budget of what serves traffic, the release files, the
 * AppRelease the rollout controller walks, and the Jobs that create and drop the colours' databases.
 */
export class AppRelease extends Construct {
  constructor(scope: Construct, id: string, props: AppReleaseProps) {
    super(scope, id);
    const { app } = props;
    for (const d of app.deployments) new k8s.KubeDeployment(this, d.color ?? 'Resource', deployment(d));
    if (app.liveService) new Service(this, 'LiveService', { service: app.liveService });
    if (app.strategy === 'blueGreen' && app.previewService)
      new Service(this, 'PreviewService', { service: app.previewService });
    if (app.pdb) new PodDisruptionBudget(this, 'DisruptionBudget', { pdb: app.pdb });
    if (app.strategy === 'blueGreen') {
      new ConfigFiles(this, 'Release', { config: app.releaseConfig });
      new AppReleaseObject(this, 'AppRelease', { release: app.release });
    }
    for (const job of app.databaseJobs) new k8s.KubeJob(this, `Database-${job.meta.name}`, jobProps(job));
    if (app.seedJob) new k8s.KubeJob(this, 'SideEffectsSeed', jobProps(app.seedJob));
    if (app.strategy === 'blueGreen')
      for (const job of app.cleanupJobs) new k8s.KubeJob(this, `Cleanup-${job.color}`, jobProps(job));
    if (app.podMonitor) new PodMonitor(this, 'PodMonitor', { monitor: app.podMonitor });
    for (const autoscaler of app.autoscalers)
      new Autoscaler(this, `Autoscaler-${autoscaler.meta.name}`, { autoscaler });
    for (const ingress of app.exposure.ingresses) new HttpIngress(this, `Ingress-${ingress.meta.name}`, { ingress });
    for (const route of app.exposure.routes) new HttpRoute(this, `Route-${route.meta.name}`, { route });
    if (app.exposure.certificate) new Certificate(this, 'Certificate', { certificate: app.exposure.certificate });
  }
}

/** The AppRelease object: the spec as the model has it, each colour's cleanup Job as a Job spec. */
class AppReleaseObject extends Construct {
  constructor(scope: Construct, id: string, props: { readonly release: AppReleaseModel }) {
    super(scope, id);
    const { release } = props;
    const colors = Object.fromEntries(
      Object.entries(release.spec.colors).map(([color, c]) => {
        const { cleanupJob, ...rest } = c;
        const spec = cleanupJob ? k8s.toJson_JobSpec(jobProps(cleanupJob).spec) : undefined;
        return [
          color,
          { ...rest, ...(cleanupJob && spec ? { cleanupJob: { name: cleanupJob.meta.name, spec } } : {}) },
        ];
      }),
    );
    new ApiObject(this, 'Resource', {
      apiVersion: release.apiVersion,
      kind: release.kind,
      metadata: objectMeta(release.meta),
      spec: { ...release.spec, colors },
    });
  }
}

function deployment(d: DeploymentModel): k8s.KubeDeploymentProps {
  const maxSurge =
    typeof d.maxSurge === 'number' ? k8s.IntOrString.fromNumber(d.maxSurge) : k8s.IntOrString.fromString(d.maxSurge);
  return {
    metadata: objectMeta(d.meta),
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: { ...d.selector } },
      // New pods must be ready before old ones go: no request finds no pod.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      minReadySeconds: d.minReadySeconds,
      template: podTemplate(d.pod),
    },
  };
}

export function jobProps(job: JobModel): k8s.KubeJobProps {
  return {
    metadata: objectMeta(job.meta),
    spec: {
      backoffLimit: job.backoffLimit,
      ttlSecondsAfterFinished: job.ttlSecondsAfterFinished,
      activeDeadlineSeconds: job.activeDeadlineSeconds,
      template: podTemplate(job.pod),
    },
  };
}
