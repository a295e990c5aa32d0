/**
 * Observes one blue/green app for the release controller: the objects whose fields it owns, each
 * colour's Deployment, autoscaler and cleanup Job (by name: its Role names each one), and what
 * Axon Server says of each colour's component — asked of the first node of the context that
 * answers, with the controller's own token (USE_CONTEXT on the context), never the system token.
 */
import { AxonClient } from '../../axon/client';
import type { ComponentCommandJson, ComponentQueryJson, ProcessorJson, StatusJson } from '../../axon/rest';
import { LABEL_COLOR } from '../../domain/keys';
import { RESOURCES } from '../../kube/client';
import type {
  ConfigMap,
  Deployment,
  HorizontalPodAutoscaler,
  Job,
  PodDisruptionBudget,
  Service,
} from '../../kube/objects';
import { AppRelease, RETRY_ANNOTATION, ReleaseColor } from '../api';
import type { ControllerContext } from '../context';
import type { Seen } from '../nodes/observed';
import { readCa, readSecret } from '../secrets';
import { RELEASE_COLORS } from './decide';
import type { AutoscalerView, AxonReleaseView, CleanupJobView, DeploymentView, ReleaseObservation } from './observed';

export async function observeRelease(ctx: ControllerContext, release: AppRelease): Promise<ReleaseObservation> {
  const { kube, namespace } = ctx;
  const { spec } = release;
  const get = <T>(resource: Parameters<typeof kube.get>[0], name: string) => kube.get<T>(resource, namespace, name);
  const [files, live, budget, deployments, autoscalers, jobs, databaseJobs, axon] = await Promise.all([
    get<ConfigMap>(RESOURCES.configMaps, spec.objects.releaseConfigMap),
    get<Service>(RESOURCES.services, spec.objects.liveService),
    get<PodDisruptionBudget>(RESOURCES.podDisruptionBudgets, spec.objects.podDisruptionBudget),
    perColor(async (c) => deploymentView(await get<Deployment>(RESOURCES.deployments, spec.colors[c].deployment))),
    perColor(async (c) => {
      const name = spec.colors[c].autoscaler;
      return name
        ? autoscalerView(await get<HorizontalPodAutoscaler>(RESOURCES.horizontalPodAutoscalers, name))
        : undefined;
    }),
    perColor(async (c) => {
      const job = spec.colors[c].cleanupJob;
      return job && spec.autoPromote ? jobView(await get<Job>(RESOURCES.jobs, job.name)) : undefined;
    }),
    perColor(async (c) => {
      const name = spec.colors[c].databaseJob;
      return name ? jobView(await get<Job>(RESOURCES.jobs, name)) : undefined;
    }),
    observeAxon(ctx, release),
  ]);
  const preview = spec.objects.previewService
    ? await get<Service>(RESOURCES.services, spec.objects.previewService)
    : undefined;
  return {
    spec,
    generation: release.metadata.generation ?? 0,
    previous: release.status,
    retry: release.metadata.annotations?.[RETRY_ANNOTATION],
    files: files?.data,
    liveSelector: colorOf(live?.spec?.selector),
    budgetSelector: colorOf(budget?.spec?.selector?.matchLabels),
    previewSelector: colorOf(preview?.spec?.selector),
    deployments,
    autoscalers,
    cleanupJobs: jobs,
    databaseJobs,
    axon,
    now: ctx.now(),
  };
}

async function perColor<T>(read: (c: ReleaseColor) => Promise<T | undefined>): Promise<Map<ReleaseColor, T>> {
  const entries = await Promise.all(RELEASE_COLORS.map(async (c) => [c, await read(c)] as const));
  return new Map(entries.filter((e): e is readonly [ReleaseColor, Awaited<T>] => e[1] !== undefined));
}

const colorOf = (labels: Readonly<Record<string, string>> | undefined): ReleaseColor | undefined => {
  const value = labels?.[LABEL_COLOR];
  return value === 'blue' || value === 'green' ? value : undefined;
};

function deploymentView(d: Deployment | undefined): DeploymentView | undefined {
  if (!d) return undefined;
  const replicas = d.spec?.replicas ?? 1;
  const observed = (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
  return {
    replicas,
    readyReplicas: d.status?.readyReplicas ?? 0,
    // Rolled out: seen by the Deployment controller, and no pod left on an older template.
    rolledOut: observed && (d.status?.updatedReplicas ?? 0) >= Math.min(replicas, d.status?.replicas ?? 0),
  };
}

const autoscalerView = (h: HorizontalPodAutoscaler | undefined): AutoscalerView | undefined =>
  h ? { minReplicas: h.spec?.minReplicas ?? 1, maxReplicas: h.spec?.maxReplicas ?? 1 } : undefined;

function jobView(job: Job | undefined): CleanupJobView | undefined {
  if (!job) return undefined;
  const condition = (type: string) => job.status?.conditions?.some((c) => c.type === type && c.status === 'True');
  return { succeeded: condition('Complete') === true, failed: condition('Failed') === true };
}

/** The head of the context and each colour's component, from the first node that answers all of it. */
async function observeAxon(ctx: ControllerContext, release: AppRelease): Promise<Seen<AxonReleaseView>> {
  const ax = release.spec.axonServer;
  const token = await readSecret(ctx, ax.token);
  if (ax.token && !token)
    return { ok: false, problem: `the controller's token is missing: Secret ${ax.token.name}, key ${ax.token.key}` };
  const client = new AxonClient({
    endpoint:
      // Only the REST port is asked here.
      ctx.axonEndpoint ?? ((node) => `${ax.scheme}://${node}.${ax.domain}:${ax.httpPort}`),
    token: () => token,
    ca: await readCa(ctx, ax.ca),
    timeoutMs: ctx.axonTimeoutMs,
  });
  const context = encodeURIComponent(release.spec.context);
  const problems: string[] = [];
  try {
    for (const node of ax.nodes) {
      const status = await client.get<StatusJson>(node, 'http', `/v1/public/status?context=${context}`);
      if (!status.ok) {
        problems.push(status.problem);
        continue;
      }
      const components = {} as Record<ReleaseColor, AxonReleaseView['components'][ReleaseColor]>;
      let failed: string | undefined;
      for (const c of RELEASE_COLORS) {
        const component = encodeURIComponent(release.spec.colors[c].component);
        const [processors, commands, queries] = await Promise.all([
          client.get<ProcessorJson[]>(node, 'http', `/v1/components/${component}/processors?context=${context}`),
          client.get<ComponentCommandJson[]>(node, 'http', `/v1/components/${component}/commands?context=${context}`),
          client.get<ComponentQueryJson[]>(node, 'http', `/v1/components/${component}/queries?context=${context}`),
        ]);
        const bad = [processors, commands, queries].find((a) => !a.ok);
        if (bad && !bad.ok) {
          failed = bad.problem;
          break;
        }
        if (!processors.ok || !commands.ok || !queries.ok) break;
        components[c] = {
          processors: Array.isArray(processors.value) ? processors.value : [],
          commands: (Array.isArray(commands.value) ? commands.value : []).map((x) => x.name),
          queries: (Array.isArray(queries.value) ? queries.value : []).map((x) => x.name),
        };
      }
      if (failed) {
        problems.push(failed);
        continue;
      }
      const head = status.value.nrOfEvents;
      if (typeof head !== 'number') {
        problems.push(`${node} /v1/public/status: no nrOfEvents for ${release.spec.context}`);
        continue;
      }
      return { ok: true, value: { head, components } };
    }
  } finally {
    client.close();
  }
  return { ok: false, problem: problems.join('; ') || 'no node of the context is listed' };
}
