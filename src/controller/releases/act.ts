/**
 * Carries out a release decision: in order, the live Service and the disruption budget (traffic
 * moves first), the release files (then the colours learn their phases), the preview Service, the
 * scale, a cleanup Job; then the AppRelease's status and the Event. Every write is a patch of the
 * fields the controller owns (Argo CD ignores them), so a self-heal never undoes a switch.
 */
import { isDeepStrictEqual } from 'node:util';
import { LABEL_COLOR, LABEL_MANAGED_BY, LABEL_NAME, MANAGED_BY } from '../../domain/keys';
import { RESOURCES } from '../../kube/client';
import { API, APP_RELEASE_KIND, AppRelease, AppReleaseStatus } from '../api';
import type { ControllerContext } from '../context';
import { emitEvent, subjectOf } from '../events';
import type { ReleaseAction, ReleaseDecision } from './decide';

export async function actOnRelease(
  ctx: ControllerContext,
  release: AppRelease,
  decision: ReleaseDecision,
): Promise<void> {
  for (const action of decision.actions) await act(ctx, release, action);
  await writeStatus(ctx, release, decision.status);
  if (decision.event) await emitEvent(ctx, subjectOf(APP_RELEASE_KIND, release.metadata), decision.event);
}

type Action<K extends ReleaseAction['kind']> = Extract<ReleaseAction, { kind: K }>;

const selector = (color: string) => ({ [LABEL_COLOR]: color });

async function act(ctx: ControllerContext, release: AppRelease, action: ReleaseAction): Promise<void> {
  const { kube, namespace } = ctx;
  const { objects } = release.spec;
  switch (action.kind) {
    case 'route':
      return route(ctx, release, action);
    case 'files':
      await kube.patch(RESOURCES.configMaps, namespace, objects.releaseConfigMap, { data: action.data }, 'merge');
      return;
    case 'preview':
      if (!objects.previewService) return;
      await kube.patch(
        RESOURCES.services,
        namespace,
        objects.previewService,
        { spec: { selector: selector(action.color) } },
        'merge',
      );
      return;
    case 'scale':
      return scale(ctx, action);
    case 'cleanup':
      return startCleanup(ctx, release, action);
  }
}

/** The live Service, then the disruption budget: traffic moves first. */
async function route(ctx: ControllerContext, release: AppRelease, action: Action<'route'>): Promise<void> {
  const { kube, namespace } = ctx;
  const { spec } = release;
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
}

/** A colour's autoscaler bounds (and, at zero replicas, its floor), or its Deployment's replicas. */
async function scale({ kube, namespace }: ControllerContext, action: Action<'scale'>): Promise<void> {
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
}

/** The cleanup Job of a colour walked out, owned by the AppRelease. */
async function startCleanup(
  { kube, namespace }: ControllerContext,
  release: AppRelease,
  action: Action<'cleanup'>,
): Promise<void> {
  const { spec, metadata } = release;
  const job = spec.colors[action.color].cleanupJob;
  if (!job) return;
  await kube.create(RESOURCES.jobs, namespace, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: job.name,
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_NAME]: spec.app, [LABEL_COLOR]: action.color },
      ownerReferences: metadata.uid
        ? [{ apiVersion: API, kind: APP_RELEASE_KIND, name: metadata.name, uid: metadata.uid }]
        : undefined,
    },
    spec: job.spec,
  });
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
