/**
 * A blue/green app: a Deployment per running colour, the live and preview Services, the budget,
 * the release files and the AppRelease the rollout controller walks. A pipeline of named steps:
 * the colours, each colour's workloads, the objects that select a colour, the AppRelease.
 */
import type { AppConfig } from '../../config/schema';
import { API, APP_RELEASE_KIND, ColorScale } from '../../controller/api';
import { LABEL_COLOR, LABEL_NAME, LABEL_PHASE, LABEL_VERSION } from '../../domain/keys';
import { colorDeployment, serviceDomain } from '../../domain/names';
import { Color, COLORS, isRunning, Phase } from '../../domain/phases';
import { AXON_PORTS } from '../../domain/ports';
import { CLEANUP_HOOK, deploymentWave, WAVE } from '../../domain/waves';
import { autoscalerOf, checkVersion, exposureOf } from '../app-extras';
import { psqlJob } from '../database-jobs';
import type {
  AppReleaseModel,
  AutoscalerModel,
  BlueGreenAppModel,
  CleanupJobModel,
  ColorModel,
  DeploymentModel,
  JobModel,
  Labels,
  ReleaseColorModel,
} from '../types';
import { checkColors } from './checks';
import { AppBuild, CLEANUP_COMPONENT, COMPONENT, DATABASE_COMPONENT, RELEASE_COMPONENT, service } from './context';
import { releaseFiles } from './release';
import { cleanupJobName, cleanupSteps, seedJob, storageOf } from './storage';

type BlueGreenRelease = Extract<AppConfig['release'], { strategy: 'blueGreen' }>;

/** What one colour contributes to the app. */
interface ColorParts {
  readonly release: ReleaseColorModel;
  readonly deployment?: DeploymentModel;
  readonly autoscaler?: AutoscalerModel;
  readonly databaseJob?: JobModel;
  readonly cleanupJob?: CleanupJobModel;
}

export function buildBlueGreen(b: AppBuild, release: BlueGreenRelease): BlueGreenAppModel {
  const { app, path, input, support, issues, labels, names, common, exposureInput, releaseConfig } = b;
  checkColors(app, path, issues);
  const colors = colorsOf(app, release);
  // A colour's database is created before its pods when it starts a release (INITIALISING), or
  // when it serves with no other colour to fall back on (a first install): never in the sync of a
  // promotion or a rollback, which then never waits for PostgreSQL.
  const fallback = colors.some((c) => c.phase === 'INITIALISING' || c.phase === 'STANDING_BY');
  const parts = colors.map((c) => colorParts(b, release, c, fallback));
  const serving = colors.find((c) => c.phase === 'SERVING');
  const previewTarget = colors.find((c) => c.phase === 'INITIALISING') ?? colors.find((c) => c.phase === 'STANDING_BY');
  for (const kind of ['Service', 'PodDisruptionBudget']) names.claim(kind, app.name, [...path, 'name']);
  names.claim('Service', `${app.name}-preview`, [...path, 'name']);
  names.claim('ConfigMap', releaseConfig, [...path, 'name']);
  names.claim(APP_RELEASE_KIND, app.name, [...path, 'name'], 'its AppRelease');
  const releaseColors = Object.fromEntries(colors.map((c, i) => [c.color, parts[i].release])) as Record<
    Color,
    ReleaseColorModel
  >;
  const defined = <T>(list: readonly (T | undefined)[]): T[] => list.filter((x): x is T => x !== undefined);
  return {
    ...common,
    seedJob: seedJob(app, path, serving, input, support),
    strategy: 'blueGreen',
    adopt: release.adopt,
    processorCheck: release.promotion.processors,
    colors,
    liveColor: serving?.color,
    previewColor: previewTarget?.color,
    deployments: defined(parts.map((p) => p.deployment)),
    ...selecting(b, serving?.color, previewTarget?.color),
    releaseConfig: {
      // Rendered as Git declares it; once it exists the rollout controller writes it.
      meta: {
        name: releaseConfig,
        labels: labels.full(labels.stable(app.name, releaseConfig, COMPONENT)),
        wave: WAVE.liveService,
      },
      files: releaseFiles(colors, serving?.color),
    },
    release: appReleaseOf(b, release, releaseColors),
    databaseJobs: defined(parts.map((p) => p.databaseJob)),
    cleanupJobs: defined(parts.map((p) => p.cleanupJob)),
    autoscalers: defined(parts.map((p) => p.autoscaler)),
    exposure: exposureOf({
      ...exposureInput,
      waves: { live: WAVE.liveService, preview: WAVE.notServing },
      preview: previewTarget ? `${app.name}-preview` : undefined,
    }),
  };
}

/** Each colour as declared: version, phase, and where its processors and read model live. */
function colorsOf(app: AppConfig, release: BlueGreenRelease): ColorModel[] {
  return COLORS.map((color) => {
    const storage = storageOf(app, release.adopt === color ? color : undefined, color);
    return {
      color,
      version: release.colors[color].version,
      phase: release.colors[color].phase,
      database: storage.database,
      processorSuffix: storage.processorSuffix,
    };
  });
}

const colorSelector = (app: string, color: Color): Labels => ({ [LABEL_NAME]: app, [LABEL_COLOR]: color });

/** One colour's workloads: its Deployment (and autoscaler, database Job) while it runs, its cleanup Job. */
function colorParts(b: AppBuild, release: BlueGreenRelease, c: ColorModel, fallback: boolean): ColorParts {
  const { app, path, issues, labels, names, env, pod, autoscaler, databaseJob } = b;
  const { color, version, phase } = c;
  const colorPath = [...path, 'release', 'colors', color];
  checkVersion(version, [...colorPath, 'version'], issues);
  const declared = release.colors[color];
  const name = colorDeployment(app.name, color);
  // The pod template holds only what never changes with the phase: version and colour.
  const podMore: Labels = { [LABEL_VERSION]: version, [LABEL_COLOR]: color };
  const releaseColor = releaseColorOf(b, release, c);
  if (phase === 'CLEANING_UP') {
    const jobName = cleanupJobName(app.name, color, version);
    if (jobName.length > 63) {
      issues.error(
        [...colorPath, 'version'],
        `the cleanup Job name "${jobName}" has ${jobName.length} characters, more than Kubernetes allows (63): shorten the app name or the version`,
      );
    }
    names.claim('Job', jobName, [...colorPath, 'phase']);
    return { release: releaseColor, cleanupJob: cleanupJobOf(b, release, c, WAVE.notServing + 1, CLEANUP_HOOK) };
  }
  if (!isRunning(phase)) return { release: releaseColor };
  names.claim('Deployment', name, [...colorPath, 'phase']);
  const stable = labels.stable(app.name, name, COMPONENT);
  const hpa = autoscaler(name, phase, release.standbyReplicas);
  const fixed = phase === 'STANDING_BY' ? release.standbyReplicas : (declared.replicas ?? app.replicas);
  const storage = { processorSuffix: c.processorSuffix, database: c.database };
  const selector = colorSelector(app.name, color);
  const deployment: DeploymentModel = {
    meta: { name, labels: labels.full(stable, { ...podMore, [LABEL_PHASE]: phase }), wave: deploymentWave(phase) },
    color,
    phase,
    version,
    // With an autoscaler the replica count is its: Argo CD must not reset it on every sync.
    replicas: hpa ? undefined : fixed,
    floor: hpa?.minReplicas ?? fixed,
    selector,
    pod: pod(labels.full(stable, podMore), env.build(color, version, storage), declared, 'service', {
      selector,
      probes: declared.probes,
    }),
    maxSurge: release.maxSurge,
    minReadySeconds: release.minReadySeconds,
  };
  const createsDatabase = c.database && (phase === 'INITIALISING' || (phase === 'SERVING' && !fallback));
  const job = createsDatabase
    ? databaseJob(
        `${name}-database`,
        labels.full(labels.stable(app.name, name, DATABASE_COMPONENT), podMore),
        c.database,
        `${app.name} ${color} ${version}`,
      )
    : undefined;
  return { release: releaseColor, deployment, autoscaler: hpa, databaseJob: job };
}

/** A colour in the AppRelease: its names, its scale in each running phase, its cleanup Job (autoPromote). */
function releaseColorOf(b: AppBuild, release: BlueGreenRelease, c: ColorModel): ReleaseColorModel {
  const { app } = b;
  const name = `${app.name}-${c.color}`;
  const declared = release.colors[c.color];
  const scaleOf = (p: Phase): ColorScale => {
    const hpa = autoscalerOf(app, name, p, release.standbyReplicas, { name, labels: {}, wave: 0 });
    if (hpa) return { replicas: hpa.minReplicas, maxReplicas: hpa.maxReplicas };
    return { replicas: p === 'STANDING_BY' ? release.standbyReplicas : (declared.replicas ?? app.replicas) };
  };
  return {
    version: c.version,
    phase: c.phase,
    deployment: name,
    component: name,
    ...(app.autoscaling ? { autoscaler: name } : {}),
    scale: { SERVING: scaleOf('SERVING'), INITIALISING: scaleOf('INITIALISING'), STANDING_BY: scaleOf('STANDING_BY') },
    ...(c.database ? { database: c.database } : {}),
    ...(c.database && app.readModel?.manage ? { databaseJob: `${name}-database` } : {}),
    // With autoPromote the controller walks a colour to CLEANING_UP itself: it creates this Job.
    ...(release.autoPromote && isRunning(c.phase) ? { cleanupJob: cleanupJobOf(b, release, c, WAVE.release) } : {}),
  };
}

/** The Job that drops a colour's database and tokens (or runs the app in cleanup mode without one). */
function cleanupJobOf(
  b: AppBuild,
  release: BlueGreenRelease,
  c: ColorModel,
  wave: number,
  hook?: typeof CLEANUP_HOOK,
): CleanupJobModel {
  const { app, input, support, labels, env, pod } = b;
  const jobName = cleanupJobName(app.name, c.color, c.version);
  const stable = labels.stable(app.name, `${app.name}-${c.color}`, CLEANUP_COMPONENT);
  const jobLabels = labels.full(stable, {
    [LABEL_VERSION]: c.version,
    [LABEL_COLOR]: c.color,
    [LABEL_PHASE]: 'CLEANING_UP',
  });
  const cleanup = {
    ttlSecondsAfterFinished: release.cleanup.ttlSecondsAfterFinished,
    backoffLimit: release.cleanup.backoffLimit,
    activeDeadlineSeconds: release.cleanup.activeDeadlineSeconds,
  };
  const steps = cleanupSteps(app, c);
  const storage = { processorSuffix: c.processorSuffix, database: c.database };
  const job: JobModel =
    steps.length > 0 && support.sqlScripts
      ? psqlJob({
          name: jobName,
          labels: jobLabels,
          wave,
          hook,
          scripts: support.sqlScripts,
          jobs: input.jobs,
          steps,
          ...cleanup,
        })
      : {
          // Without a database axon-deploy manages, the app's image runs in cleanup mode.
          meta: { name: jobName, labels: jobLabels, wave, hook },
          pod: pod(
            jobLabels,
            [...env.build(c.color, c.version, storage), { name: 'DEPLOYMENT_PHASE', value: 'CLEANING_UP' }],
            release.colors[c.color],
            'job',
          ),
          ...cleanup,
        };
  return { ...job, color: c.color, version: c.version };
}

/** The live Service and the budget (the SERVING colour), the preview Service (the one that runs beside it). */
function selecting(
  b: AppBuild,
  serving: Color | undefined,
  preview: Color | undefined,
): Pick<BlueGreenAppModel, 'liveService' | 'previewService' | 'pdb'> {
  const { app, labels } = b;
  const appStable = labels.stable(app.name, app.name, COMPONENT);
  return {
    liveService: serving
      ? service(app.name, labels.full(appStable), colorSelector(app.name, serving), WAVE.liveService)
      : undefined,
    previewService: preview
      ? service(
          `${app.name}-preview`,
          labels.full(labels.stable(app.name, `${app.name}-preview`, COMPONENT)),
          colorSelector(app.name, preview),
          WAVE.notServing,
        )
      : undefined,
    pdb: serving
      ? {
          meta: { name: app.name, labels: labels.full(appStable), wave: WAVE.config },
          selector: colorSelector(app.name, serving),
          maxUnavailable: 1,
        }
      : undefined,
  };
}

/** The AppRelease: what the rollout controller may switch, how, and where it asks Axon Server. */
function appReleaseOf(
  b: AppBuild,
  release: BlueGreenRelease,
  colors: Readonly<Record<Color, ReleaseColorModel>>,
): AppReleaseModel {
  const { app, input, labels, releaseConfig } = b;
  const ax = input.axonServer;
  // The nodes that serve the context's clients: any of them answers for its components.
  const contextNodes = ax.nodes
    .filter((n) => n.servesClients)
    .filter(
      (n) =>
        ax.edition === 'standard' ||
        n.roles.some((r) => ax.replicationGroups.some((g) => g.name === r.group && g.contexts.includes(app.context))),
    )
    .map((n) => n.name);
  const tls = ax.tls;
  return {
    apiVersion: API,
    kind: APP_RELEASE_KIND,
    meta: {
      name: app.name,
      labels: labels.full(labels.stable(app.name, app.name, RELEASE_COMPONENT)),
      wave: WAVE.release,
    },
    spec: {
      app: app.name,
      context: app.context,
      colors,
      objects: {
        liveService: app.name,
        previewService: `${app.name}-preview`,
        podDisruptionBudget: app.name,
        releaseConfigMap: releaseConfig,
      },
      promotion: {
        processors: release.promotion.processors,
        maxLagEvents: release.promotion.maxLagEvents,
        // Processor name = processing group name (Axon Framework's default for a processing group).
        ignoredProcessors: [...new Set(app.sideEffects?.processingGroups ?? [])].sort(),
        timeoutSeconds: release.promotion.timeoutSeconds,
        droppedHandlers: [...release.promotion.droppedHandlers],
      },
      ...(release.autoPromote ? { autoPromote: { standBySeconds: release.autoPromote.standBySeconds } } : {}),
      axonServer: {
        scheme: tls?.http ? 'https' : 'http',
        domain: serviceDomain(input.namespace),
        httpPort: AXON_PORTS.http,
        nodes: contextNodes,
        ...(input.controllerToken ? { token: input.controllerToken } : {}),
        ...(tls?.http ? { ca: tls.ca } : {}),
      },
    },
  };
}
