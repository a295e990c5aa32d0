/**
 * Carries out a release decision: in order, the live Service and the disruption budget (traffic
 * moves first), the release files (then the colours learn their phases), the preview Service, the
 * scale, a cleanup Job; then the AppRelease's status and the Event. Every write is a patch of the
 * fields the controller owns (Argo CD ignores them), so a self-heal never undoes a switch.
 */
import { isDeepStrictEqual } from 'node:util';
import { LABEL_COLOR } from '../../domain/keys';
import { RESOURCES } from '../../kube/client';
import { API, APP_RELEASE_KIND, AppRelease, AppReleaseStatus } from '../api';
import type { ControllerContext } from '../context';
import { emitEvent } from '../events';
import type { ReleaseAction, ReleaseDecision } from './decide';

export async function actOnRelease(
  ctx: ControllerContext,
  release: AppRelease,
  decision: ReleaseDecision,
): Promise<void> {
  for (const action of decision.actions) await act(ctx, release, action);
  await writeStatus(ctx, release, decision.status);
  if (decision.event) {
    await emitEvent(
      ctx,
      { apiVersion: API, kind: APP_RELEASE_KIND, name: release.metadata.name, uid: release.metadata.uid },
      decision.event,
    );
  }
}

async function act(ctx: ControllerContext, release: AppRelease, action: ReleaseAction): Promise<void> {
  const { kube, namespace } = ctx;
  const { spec } = release;
  const selector = (color: string) => ({ [LABEL_COLOR]: color });
  switch (action.kind) {
    case 'route':
      ctx.metrics.inc('axon_deploy_release_switches_total', 'Live Services the controller switched.', {
        app: spec.app,
        color: action.color,
      });
      await kube.patch(
        RESOURCES.services,
        namespace,
        spec.objects.liveService,
        { spec: { selector: selector(action.color) } },
        'merge',
      );
      await kube.patch(
        RESOURCES.podDisruptionBudgets,
        namespace,
        spec.objects.podDisruptionBudget,
        { spec: { selector: { matchLabels: selector(action.color) } } },
        'merge',
      );
      return;
    case 'files':
      await kube.patch(RESOURCES.configMaps, namespace, spec.objects.releaseConfigMap, { data: action.data }, 'merge');
      return;
    case 'preview':
      if (spec.objects.previewService)
        await kube.patch(
          RESOURCES.services,
          namespace,
          spec.objects.previewService,
          { spec: { selector: selector(action.color) } },
          'merge',
        );
      return;
    case 'scale':
      if (action.autoscaler && action.replicas > 0) {
        await kube.patch(
          RESOURCES.horizontalPodAutoscalers,
          namespace,
          action.autoscaler,
          { spec: { minReplicas: action.replicas, maxReplicas: action.maxReplicas ?? action.replicas } },
          'merge',
        );
        // At zero replicas an autoscaler stands still: start the colour at its floor.
        const d = await kube.get<{ spec?: { replicas?: number } }>(RESOURCES.deployments, namespace, action.deployment);
        if (d?.spec?.replicas !== 0) return;
      }
      await kube.patch(
        RESOURCES.deployments,
        namespace,
        action.deployment,
        { spec: { replicas: action.replicas } },
        'merge',
      );
      return;
    case 'cleanup': {
      const job = spec.colors[action.color].cleanupJob;
      if (!job) return;
      await kube.create(RESOURCES.jobs, namespace, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: job.name,
          labels: {
            'app.kubernetes.io/managed-by': 'axon-deploy',
            'app.kubernetes.io/name': spec.app,
            [LABEL_COLOR]: action.color,
          },
          ownerReferences: release.metadata.uid
            ? [{ apiVersion: API, kind: APP_RELEASE_KIND, name: release.metadata.name, uid: release.metadata.uid }]
            : undefined,
        },
        spec: job.spec,
      });
      return;
    }
  }
}

/** Replaces the status as a whole (a JSON patch), so that fields the decision dropped are gone. */
async function writeStatus(ctx: ControllerContext, release: AppRelease, status: AppReleaseStatus): Promise<void> {
  const value = JSON.parse(JSON.stringify(status)) as AppReleaseStatus;
  if (isDeepStrictEqual(release.status, value)) return;
  await ctx.kube.patch(
    RESOURCES.appReleases,
    ctx.namespace,
    release.metadata.name,
    [{ op: 'add', path: '/status', value }],
    'json',
    'status',
  );
}
