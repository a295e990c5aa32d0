import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import type { AppModel, CleanupJobModel, DeploymentModel, WorkloadPod } from '../model/types';
import { CLEANUP_HOOK } from '../model/waves';
import { ARGOCD_HOOK, ARGOCD_HOOK_DELETE_POLICY, objectMeta } from './meta';
import { containerProbes, containerSecurityContext, envVars, podSecurityContext, resources, TMP_MOUNT, TMP_VOLUME } from './pod';
import { PodDisruptionBudget } from './pod-disruption-budget';
import { Service } from './service';

export interface AppReleaseProps {
  readonly app: AppModel;
}

/**
 * An app's release: the Deployment of each running colour (or the one rolling Deployment), the
 * live and preview Services, the disruption budget of what serves traffic, cleanup Jobs.
 */
export class AppRelease extends Construct {
  constructor(scope: Construct, id: string, props: AppReleaseProps) {
    super(scope, id);
    const { app } = props;
    for (const d of app.deployments) new k8s.KubeDeployment(this, d.color ?? 'Resource', deployment(app, d));
    if (app.liveService) new Service(this, 'LiveService', { service: app.liveService });
    if (app.previewService) new Service(this, 'PreviewService', { service: app.previewService });
    if (app.pdb) new PodDisruptionBudget(this, 'DisruptionBudget', { pdb: app.pdb });
    for (const job of app.cleanupJobs) new k8s.KubeJob(this, `Cleanup-${job.color}`, cleanupJob(app, job));
  }
}

function deployment(app: AppModel, d: DeploymentModel): k8s.KubeDeploymentProps {
  const maxSurge = typeof d.maxSurge === 'number' ? k8s.IntOrString.fromNumber(d.maxSurge) : k8s.IntOrString.fromString(d.maxSurge);
  return {
    metadata: objectMeta(d.meta),
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: { ...d.selector } },
      // New pods must be ready before old ones go: no request finds no pod.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      minReadySeconds: d.minReadySeconds,
      template: {
        metadata: podMetadata(d.pod),
        spec: {
          ...podBasics(app),
          terminationGracePeriodSeconds: d.terminationGracePeriodSeconds,
          containers: [{
            ...container(app.name, d.pod),
            ...containerProbes(d.probes),
            // Keep serving while Services and load balancers stop routing to this pod; then SIGTERM
            // starts Spring's graceful shutdown, which finishes in-flight requests.
            lifecycle: d.preStopSleepSeconds > 0 ? { preStop: { exec: { command: ['sleep', String(d.preStopSleepSeconds)] } } } : undefined,
          }],
          volumes: [TMP_VOLUME],
        },
      },
    },
  };
}

function cleanupJob(app: AppModel, job: CleanupJobModel): k8s.KubeJobProps {
  return {
    metadata: objectMeta(job.meta, { [ARGOCD_HOOK]: CLEANUP_HOOK.hook, [ARGOCD_HOOK_DELETE_POLICY]: CLEANUP_HOOK.deletePolicy }),
    spec: {
      backoffLimit: job.backoffLimit,
      ttlSecondsAfterFinished: job.ttlSecondsAfterFinished,
      activeDeadlineSeconds: job.activeDeadlineSeconds,
      template: {
        metadata: podMetadata(job.pod),
        spec: {
          ...podBasics(app),
          restartPolicy: 'Never',
          containers: [container(app.name, job.pod)],
          volumes: [TMP_VOLUME],
        },
      },
    },
  };
}

function podMetadata(pod: WorkloadPod): k8s.ObjectMeta {
  return {
    labels: { ...pod.labels },
    annotations: Object.keys(pod.annotations).length > 0 ? { ...pod.annotations } : undefined,
  };
}

function podBasics(app: AppModel): Pick<k8s.PodSpec, 'automountServiceAccountToken' | 'enableServiceLinks' | 'securityContext' | 'imagePullSecrets'> {
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurityContext(app.runAsUser, app.runAsGroup, false),
    imagePullSecrets: app.imagePullSecrets.length > 0 ? app.imagePullSecrets.map((name) => ({ name })) : undefined,
  };
}

function container(name: string, pod: WorkloadPod): k8s.Container {
  return {
    name,
    image: pod.image,
    imagePullPolicy: 'IfNotPresent',
    ports: pod.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
    env: envVars(pod.env),
    resources: resources(pod.resources),
    securityContext: containerSecurityContext(),
    volumeMounts: [TMP_MOUNT],
  };
}
