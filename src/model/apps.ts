/**
 * Apps -> releases: colour-suffixed blue/green Deployments moving through phases, or one rolling
 * Deployment; the live and preview Services; the release files that tell each colour its phase;
 * the AppRelease the rollout controller walks; the Jobs that create and drop colours' databases;
 * the environment that tells each pod who it is.
 *
 * A change of phase alone changes no pod template: the phase reaches the pods through the release
 * files (a ConfigMap updated in place), and only Service selectors, replica counts and the
 * Deployments' own metadata change. A promotion therefore restarts no pod. Which colour serves is
 * the rollout controller's to decide (src/controller/releases/): synth renders the live Service,
 * the budget, the release files and the replica counts as they start, and Argo CD leaves those
 * fields to the controller afterwards (model/argocd.ts).
 */
import type { ConfigPath } from '../config/diagnostics';
import type { Assets } from '../assets';
import type { AppConfig, JobsConfig, MonitoringConfig } from '../config/schema';
import { STORE_TABLES } from '../domain/axon-stores';
import { LABEL_COLOR, LABEL_INSTANCE, LABEL_NAME, LABEL_PHASE, LABEL_VERSION } from '../domain/keys';
import { Color, COLORS, isRunning, Phase } from '../domain/phases';
import { ADMIN_GROUP, servesClients } from '../domain/roles';
import { CLEANUP_HOOK, deploymentWave, DATABASE_HOOK, SEED_HOOK, WAVE } from '../domain/waves';
import { API, APP_RELEASE_KIND, ColorScale } from '../controller/api';
import { AXON_PORTS } from '../domain/ports';
import { AXON_SERVER } from './axon-server';
import { serviceDomain } from '../domain/names';
import { appScheduling, autoscalerOf, checkReplicas, checkVersion, exposureOf, imageOf, podExtras } from './app-extras';
import { podMonitor } from './monitoring';
import { CA_FILE, CLIENT_CA_DIR, clientCaMount } from './tls';
import { postgresServer, psqlJob, PsqlStep, sqlScripts } from './database-jobs';
import type { Issues } from './issues';
import type { LabelScheme } from './labels';
import type { NameRegistry } from './names';
import { TMP_MOUNT, TMP_VOLUME } from './pods';
import { resolveResources } from './resources';
import { secretLiteralProblem } from './secret-literals';
import type { SecretRegistry } from './secrets';
import type {
  AppModel,
  AppReleaseModel,
  AppsModel,
  AutoscalerModel,
  AxonServerModel,
  CleanupJobModel,
  ColorModel,
  ConfigFilesModel,
  ContainerModel,
  DeploymentModel,
  EnvVar,
  JobModel,
  Labels,
  PodModel,
  Probes,
  OwnedFields,
  ReleaseColorModel,
  SecretRef,
  ServiceModel,
} from './types';

export interface AppsInput {
  readonly apps: readonly AppConfig[];
  readonly axonServer: AxonServerModel;
  readonly namespace: string;
  /** The rollout controller's own token (USE_CONTEXT on the apps' contexts), with access control. */
  readonly controllerToken?: SecretRef;
  readonly labels: LabelScheme;
  readonly issues: Issues;
  readonly names: NameRegistry;
  readonly secrets: SecretRegistry;
  readonly jobs: JobsConfig;
  readonly monitoring: MonitoringConfig;
  /** The SQL the database Jobs run (src/scripts/sql/). */
  readonly sql: Assets['sql'];
}

const COMPONENT = 'app';
const CLEANUP_COMPONENT = 'cleanup';
const DATABASE_COMPONENT = 'database';
const RELEASE_COMPONENT = 'release';
/** The name label of what the database Jobs share (their SQL scripts). */
const DATABASE_JOBS_NAME = 'axon-deploy-database';
/** Service port of every app; the container port is the app's own. */
export const APP_SERVICE_PORT = 80;
/** Where a colour's pods find the release files (`<colour>.phase`, `<colour>.live`, `live`). */
export const RELEASE_DIR = '/etc/axon-deploy/release';

export function buildApps(input: AppsInput): AppsModel {
  const { labels, names } = input;
  // Shared by the apps' Jobs, in the apps Application (content-named: a new tool version is a new revision).
  const sqlLabels = (name: string) => labels.full(labels.stable(DATABASE_JOBS_NAME, name, DATABASE_COMPONENT));
  const needsSql = input.apps.some((a) => a.readModel?.manage || a.sideEffects?.seed === 'copyLive');
  const support = {
    sqlScripts: needsSql
      ? sqlScripts('app-database-sql', sqlLabels('app-database-sql'), WAVE.config, input.sql)
      : undefined,
  };
  if (support.sqlScripts) names.claim('ConfigMap', support.sqlScripts.meta.name, ['apps'], 'the database scripts');
  const seen = new Set<string>();
  const apps = input.apps.flatMap((app, index) => {
    const path: ConfigPath = ['apps', index];
    if (app.name === AXON_SERVER) {
      input.issues.error(
        [...path, 'name'],
        `"${AXON_SERVER}" is the name label of the Axon Server pods: choose another app name`,
      );
    }
    if (seen.has(app.name)) {
      input.issues.error([...path, 'name'], `app "${app.name}" is declared twice`);
      return [];
    }
    seen.add(app.name);
    return [buildApp(app, path, input, support)];
  });
  return { apps, ...support };
}

interface Support {
  readonly sqlScripts?: ConfigFilesModel;
}

/** Where a colour (or the rolling Deployment) keeps its processors and read model. */
interface Storage {
  /** Appended to every processor name that builds the read model. */
  readonly processorSuffix: string;
  readonly database?: string;
}

function buildApp(app: AppConfig, path: ConfigPath, input: AppsInput, support: Support): AppModel {
  const { issues, labels, names, secrets } = input;
  const servers = serversFor(app, path, input);
  if (input.axonServer.accessControl && !app.tokenSecret) {
    issues.error(
      [...path, 'tokenSecret'],
      "required: access control is enabled on Axon Server, so the app needs a token (a Secret with the app's token)",
    );
  }
  const token = app.tokenSecret ? { name: app.tokenSecret, key: app.tokenSecretKey } : undefined;
  registerSecrets(app, secrets);
  checkReadModel(app, path, issues);
  const sideEffects = checkSideEffects(app, path, issues);
  const mgmtPort = app.managementPort ?? app.port;
  const probes = appProbes(app, mgmtPort);
  const extras = podExtras(app, path, issues, secrets);
  checkReplicas(app, path, issues);
  const resources = resolveResources(app.resources, [...path, 'resources'], issues);
  if (app.terminationGracePeriodSeconds < app.preStopSleepSeconds + 10) {
    issues.error(
      [...path, 'terminationGracePeriodSeconds'],
      `expected at least preStopSleepSeconds + 10 (${app.preStopSleepSeconds + 10}), got ${app.terminationGracePeriodSeconds}: after the pre-stop pause the app needs time to finish in-flight requests and stop its processors`,
    );
  }
  const env = new EnvBuilder(app, path, servers, mgmtPort, input);
  const ports = [
    { name: 'http', containerPort: app.port },
    ...(mgmtPort !== app.port ? [{ name: 'management', containerPort: mgmtPort }] : []),
  ];
  const blueGreen = app.release.strategy === 'blueGreen';
  const releaseConfig = blueGreen ? `${app.name}-release` : undefined;
  const ca = clientCaMount(input.axonServer.tls);
  /**
   * The pod of a Deployment (with probes, a pre-stop pause, spread over zones and hosts) or of a
   * Job (run to completion). Nothing in it depends on the phase.
   */
  const pod = (
    podLabels: Labels,
    vars: EnvVar[],
    image: { version: string; digest?: string },
    kind: 'service' | 'job',
    run?: {
      selector: Labels;
      probes?: ProbeOverrides;
    },
  ): PodModel => {
    const container: ContainerModel = {
      name: app.name,
      image: imageOf(app, image.version, image.digest),
      imagePullPolicy: 'IfNotPresent',
      ports,
      env: vars,
      envFrom: extras.envFrom,
      resources,
      mounts: [
        TMP_MOUNT,
        ...(releaseConfig ? [{ name: 'release', mountPath: RELEASE_DIR, readOnly: true }] : []),
        ...ca.mounts,
        ...extras.mounts,
      ],
      ...(kind === 'service'
        ? { probes: withOverrides(probes, run?.probes), preStopSleepSeconds: app.preStopSleepSeconds }
        : {}),
    };
    return {
      labels: podLabels,
      annotations: app.podAnnotations,
      // fsGroup: mounted Secrets (mode 0440) and claims belong to the app's group.
      user: { runAsUser: app.runAsUser, runAsGroup: app.runAsGroup, fsGroup: app.runAsGroup },
      imagePullSecrets: app.imagePullSecrets,
      ...(kind === 'service'
        ? { terminationGracePeriodSeconds: app.terminationGracePeriodSeconds }
        : { restartPolicy: 'Never' as const }),
      // The release files: mounted whole (never with subPath) so that Kubernetes updates them in
      // place; optional, because on a first install the ConfigMap comes in a later wave.
      volumes: [
        TMP_VOLUME,
        ...(releaseConfig
          ? [{ kind: 'configMap' as const, name: 'release', configMap: releaseConfig, optional: true }]
          : []),
        ...ca.volumes,
        ...extras.volumes,
      ],
      initContainers: extras.initContainers,
      containers: kind === 'service' ? [container, ...extras.sidecars] : [container],
      scheduling: run ? appScheduling(app, run.selector) : undefined,
    };
  };
  const autoscaler = (deployment: string, phase: Phase, standbyReplicas: number) => {
    const hpa = autoscalerOf(app, deployment, phase, standbyReplicas, {
      name: deployment,
      labels: labels.full(labels.stable(app.name, deployment, COMPONENT)),
      wave: deploymentWave(phase),
    });
    if (hpa) names.claim('HorizontalPodAutoscaler', deployment, [...path, 'autoscaling']);
    return hpa;
  };
  const databaseJob = (name: string, jobLabels: Labels, database: string, owner?: string): JobModel | undefined => {
    if (!app.readModel?.manage || !support.sqlScripts) return undefined;
    names.claim('Job', name, [...path, 'readModel']);
    return psqlJob({
      name,
      labels: jobLabels,
      wave: WAVE.databases,
      hook: DATABASE_HOOK,
      scripts: support.sqlScripts,
      jobs: input.jobs,
      steps: [createStep(app, database, owner)],
      backoffLimit: 3,
      activeDeadlineSeconds: 600,
    });
  };
  const monitorStable = labels.stable(app.name, app.name, 'metrics');
  const monitor =
    input.monitoring.enabled && input.monitoring.apps
      ? podMonitor(input.monitoring, {
          name: app.name,
          labels: labels.full(monitorStable),
          wave: WAVE.config,
          selector: { [LABEL_NAME]: app.name },
          port: mgmtPort === app.port ? 'http' : 'management',
          path: app.metricsPath,
        })
      : undefined;
  if (monitor) names.claim('PodMonitor', app.name, [...path, 'name']);
  const common = {
    name: app.name,
    context: app.context,
    token,
    sideEffects,
    hasReadModel: app.readModel !== undefined,
    podMonitor: monitor,
    axonServerRoles: [...new Set(app.axonServerRoles)].sort(),
  };
  const exposureInput = { app, path, labels, names, issues, secrets, component: COMPONENT };

  if (app.release.strategy === 'rolling') {
    const release = app.release;
    names.claim('Deployment', app.name, [...path, 'name']);
    names.claim('Service', app.name, [...path, 'name']);
    names.claim('PodDisruptionBudget', app.name, [...path, 'name']);
    const storage = storageOf(app, release.adopt, release.adopt);
    const stable = labels.stable(app.name, app.name, COMPONENT);
    const selector: Labels = { [LABEL_NAME]: app.name, [LABEL_INSTANCE]: app.name };
    checkVersion(release.version, [...path, 'release', 'version'], issues);
    const hpa = autoscaler(app.name, 'SERVING', 1);
    const deployment: DeploymentModel = {
      meta: { name: app.name, labels: labels.full(stable, { [LABEL_VERSION]: release.version }), wave: WAVE.serving },
      phase: 'SERVING',
      version: release.version,
      replicas: hpa ? undefined : app.replicas,
      floor: hpa?.minReplicas ?? app.replicas,
      selector,
      pod: pod(
        labels.full(stable, { [LABEL_VERSION]: release.version }),
        env.build(undefined, release.version, storage),
        release,
        'service',
        { selector },
      ),
      maxSurge: release.maxSurge,
      minReadySeconds: release.minReadySeconds,
    };
    const create = storage.database
      ? databaseJob(
          `${app.name}-database`,
          labels.full(labels.stable(app.name, app.name, DATABASE_COMPONENT)),
          storage.database,
        )
      : undefined;
    return {
      ...common,
      seedJob: seedJob(app, path, storage, input, support),
      strategy: 'rolling',
      adopt: release.adopt,
      storage,
      colors: [],
      deployments: [deployment],
      liveService: service(app.name, labels.full(stable), selector, WAVE.liveService),
      pdb: { meta: { name: app.name, labels: labels.full(stable), wave: WAVE.config }, selector, maxUnavailable: 1 },
      databaseJobs: create ? [create] : [],
      cleanupJobs: [],
      autoscalers: hpa ? [hpa] : [],
      exposure: exposureOf({ ...exposureInput, waves: { live: WAVE.liveService, preview: WAVE.notServing } }),
    };
  }

  const release = app.release;
  const colorPath = (c: Color) => [...path, 'release', 'colors', c];
  checkColors(app, path, issues);
  const colors: ColorModel[] = COLORS.map((color) => {
    const storage = storageOf(app, release.adopt === color ? color : undefined, color);
    return {
      color,
      version: release.colors[color].version,
      phase: release.colors[color].phase,
      database: storage.database,
      processorSuffix: storage.processorSuffix,
    };
  });
  const appStable = labels.stable(app.name, app.name, COMPONENT);
  const colorSelector = (color: Color): Labels => ({ [LABEL_NAME]: app.name, [LABEL_COLOR]: color });
  const deployments: DeploymentModel[] = [];
  const cleanupJobs: CleanupJobModel[] = [];
  const databaseJobs: JobModel[] = [];
  const autoscalers: AutoscalerModel[] = [];
  const releaseColors = {} as Record<Color, ReleaseColorModel>;
  const cleanupJobOf = (c: ColorModel, wave: number, hook?: typeof CLEANUP_HOOK): CleanupJobModel => {
    const jobName = cleanupJobName(app.name, c.color, c.version);
    const stable = labels.stable(app.name, `${app.name}-${c.color}`, CLEANUP_COMPONENT);
    const podMore: Labels = { [LABEL_VERSION]: c.version, [LABEL_COLOR]: c.color };
    const jobLabels = labels.full(stable, { ...podMore, [LABEL_PHASE]: 'CLEANING_UP' });
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
  };
  // A colour's database is created before its pods when it starts a release (INITIALISING), or
  // when it serves with no other colour to fall back on (a first install): never in the sync of a
  // promotion or a rollback, which then never waits for PostgreSQL.
  const fallback = colors.some((c) => c.phase === 'INITIALISING' || c.phase === 'STANDING_BY');
  for (const c of colors) {
    checkVersion(c.version, [...colorPath(c.color), 'version'], issues);
    const { color, version, phase } = c;
    const declared = release.colors[color];
    const name = `${app.name}-${color}`;
    const storage = { processorSuffix: c.processorSuffix, database: c.database };
    // The pod template holds only what never changes with the phase: version and colour.
    const podMore: Labels = { [LABEL_VERSION]: version, [LABEL_COLOR]: color };
    const scaleOf = (p: Phase): ColorScale => {
      const hpa = autoscalerOf(app, name, p, release.standbyReplicas, { name, labels: {}, wave: 0 });
      if (hpa) return { replicas: hpa.minReplicas, maxReplicas: hpa.maxReplicas };
      return { replicas: p === 'STANDING_BY' ? release.standbyReplicas : (declared.replicas ?? app.replicas) };
    };
    releaseColors[color] = {
      version,
      phase,
      deployment: name,
      component: name,
      ...(app.autoscaling ? { autoscaler: name } : {}),
      scale: {
        SERVING: scaleOf('SERVING'),
        INITIALISING: scaleOf('INITIALISING'),
        STANDING_BY: scaleOf('STANDING_BY'),
      },
      ...(c.database ? { database: c.database } : {}),
      ...(c.database && app.readModel?.manage ? { databaseJob: `${name}-database` } : {}),
      // With autoPromote the controller walks a colour to CLEANING_UP itself: it creates this Job.
      ...(release.autoPromote && isRunning(phase) ? { cleanupJob: cleanupJobOf(c, WAVE.release) } : {}),
    };
    if (isRunning(phase)) {
      names.claim('Deployment', name, [...colorPath(color), 'phase']);
      const stable = labels.stable(app.name, name, COMPONENT);
      const hpa = autoscaler(name, phase, release.standbyReplicas);
      if (hpa) autoscalers.push(hpa);
      const fixed = phase === 'STANDING_BY' ? release.standbyReplicas : (declared.replicas ?? app.replicas);
      deployments.push({
        meta: { name, labels: labels.full(stable, { ...podMore, [LABEL_PHASE]: phase }), wave: deploymentWave(phase) },
        color,
        phase,
        version,
        // With an autoscaler the replica count is its: Argo CD must not reset it on every sync.
        replicas: hpa ? undefined : fixed,
        floor: hpa?.minReplicas ?? fixed,
        selector: colorSelector(color),
        pod: pod(labels.full(stable, podMore), env.build(color, version, storage), declared, 'service', {
          selector: colorSelector(color),
          probes: declared.probes,
        }),
        maxSurge: release.maxSurge,
        minReadySeconds: release.minReadySeconds,
      });
      if (c.database && (phase === 'INITIALISING' || (phase === 'SERVING' && !fallback))) {
        const job = databaseJob(
          `${name}-database`,
          labels.full(labels.stable(app.name, name, DATABASE_COMPONENT), podMore),
          c.database,
          `${app.name} ${color} ${version}`,
        );
        if (job) databaseJobs.push(job);
      }
    } else if (phase === 'CLEANING_UP') {
      const jobName = cleanupJobName(app.name, color, version);
      if (jobName.length > 63) {
        issues.error(
          [...colorPath(color), 'version'],
          `the cleanup Job name "${jobName}" has ${jobName.length} characters, more than Kubernetes allows (63): shorten the app name or the version`,
        );
      }
      names.claim('Job', jobName, [...colorPath(color), 'phase']);
      cleanupJobs.push(cleanupJobOf(c, WAVE.notServing + 1, CLEANUP_HOOK));
    }
  }

  const serving = colors.find((c) => c.phase === 'SERVING');
  const previewTarget = colors.find((c) => c.phase === 'INITIALISING') ?? colors.find((c) => c.phase === 'STANDING_BY');
  names.claim('Service', app.name, [...path, 'name']);
  names.claim('Service', `${app.name}-preview`, [...path, 'name']);
  names.claim('PodDisruptionBudget', app.name, [...path, 'name']);
  names.claim('ConfigMap', releaseConfig!, [...path, 'name']);
  names.claim(APP_RELEASE_KIND, app.name, [...path, 'name'], 'its AppRelease');
  const contextNodes = input.axonServer.nodes
    .filter((n) => n.servesClients)
    .filter((n) =>
      input.axonServer.edition === 'standard'
        ? true
        : n.roles.some((r) =>
            input.axonServer.replicationGroups.some((g) => g.name === r.group && g.contexts.includes(app.context)),
          ),
    )
    .map((n) => n.name);
  const tls = input.axonServer.tls;
  const appRelease: AppReleaseModel = {
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
      colors: releaseColors,
      objects: {
        liveService: app.name,
        previewService: `${app.name}-preview`,
        podDisruptionBudget: app.name,
        releaseConfigMap: releaseConfig!,
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
  return {
    ...common,
    seedJob: seedJob(app, path, serving, input, support),
    strategy: 'blueGreen',
    adopt: release.adopt,
    processorCheck: release.promotion.processors,
    colors,
    liveColor: serving?.color,
    previewColor: previewTarget?.color,
    deployments,
    liveService: serving
      ? service(app.name, labels.full(appStable), colorSelector(serving.color), WAVE.liveService)
      : undefined,
    previewService: previewTarget
      ? service(
          `${app.name}-preview`,
          labels.full(labels.stable(app.name, `${app.name}-preview`, COMPONENT)),
          colorSelector(previewTarget.color),
          WAVE.notServing,
        )
      : undefined,
    pdb: serving
      ? {
          meta: { name: app.name, labels: labels.full(appStable), wave: WAVE.config },
          selector: colorSelector(serving.color),
          maxUnavailable: 1,
        }
      : undefined,
    releaseConfig: {
      // Rendered as Git declares it; once it exists the rollout controller writes it.
      meta: {
        name: releaseConfig!,
        labels: labels.full(labels.stable(app.name, releaseConfig!, COMPONENT)),
        wave: WAVE.liveService,
      },
      files: releaseFiles(colors, serving?.color),
    },
    release: appRelease,
    databaseJobs,
    cleanupJobs,
    autoscalers,
    exposure: exposureOf({
      ...exposureInput,
      waves: { live: WAVE.liveService, preview: WAVE.notServing },
      preview: previewTarget ? `${app.name}-preview` : undefined,
    }),
  };
}

/**
 * The fields of a blue/green app that the rollout controller owns once the objects exist: which
 * colour the live and preview Services and the disruption budget select, the release files, and
 * each colour's scale. Argo CD ignores them (and, with RespectIgnoreDifferences, keeps them on a
 * sync), so neither a sync nor a self-heal switches traffic.
 */
export function controllerOwnedFields(app: AppModel): OwnedFields[] {
  const release = app.release;
  if (!release) return [];
  const o = release.spec.objects;
  const selector = ['/spec/selector'];
  return [
    { group: '', kind: 'ConfigMap', name: o.releaseConfigMap, jsonPointers: ['/data'] },
    { group: '', kind: 'Service', name: o.liveService, jsonPointers: selector },
    ...(o.previewService ? [{ group: '', kind: 'Service', name: o.previewService, jsonPointers: selector }] : []),
    { group: 'policy', kind: 'PodDisruptionBudget', name: o.podDisruptionBudget, jsonPointers: selector },
    ...Object.values(release.spec.colors).flatMap((c) => [
      { group: 'apps', kind: 'Deployment', name: c.deployment, jsonPointers: ['/spec/replicas'] },
      ...(c.autoscaler
        ? [
            {
              group: 'autoscaling',
              kind: 'HorizontalPodAutoscaler',
              name: c.autoscaler,
              jsonPointers: ['/spec/minReplicas', '/spec/maxReplicas'],
            },
          ]
        : []),
    ]),
  ];
}

/**
 * What a colour reads from the release files: `<colour>.phase` (its phase), `<colour>.live`
 * (`true` when the live Service selects it), and `live` (the live colour, empty when none).
 */
function releaseFiles(colors: readonly ColorModel[], live: Color | undefined): [string, string][] {
  return [
    ...colors.flatMap((c): [string, string][] => [
      [`${c.color}.live`, String(c.color === live)],
      [`${c.color}.phase`, c.phase],
    ]),
    ['live', live ?? ''],
  ];
}

/**
 * Processor names and database of a colour (or the rolling Deployment). `adopted`: the colour
 * that took over the rolling app's processors and database (no suffix, no colour). `colorOf`:
 * the colour whose processors and database are used (a rolling app continuing a colour's).
 */
function storageOf(app: AppConfig, adopted: Color | undefined, colorOf: Color | undefined): Storage {
  const rolling = app.release.strategy === 'rolling';
  const useColor = rolling ? colorOf : adopted ? undefined : colorOf;
  return {
    processorSuffix: useColor ? `-${useColor}` : '',
    database: app.readModel ? databaseOf(app.readModel.database, useColor) : undefined,
  };
}

/** `<database>_<colour>`: each colour replays into its own, empty database. */
export const databaseOf = (database: string, color: Color | undefined) => (color ? `${database}_${color}` : database);

/** Job templates are immutable: the name carries colour and version, so a new cleanup is a new Job. */
export function cleanupJobName(app: string, color: Color, version: string): string {
  const slug = version
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return `${app}-${color}-cleanup-${slug}`;
}

/**
 * `seed: copyLive`: a PreSync Job copies what the live processors of the side-effect groups own
 * (tokens, sagas, dead letters) from the live storage (the SERVING colour's read model, or the
 * rolling app's) into the shared store, renamed to the shared processor names, before the change
 * that points the groups at the shared store rolls out. Safe to run again (src/scripts/sql/).
 */
function seedJob(
  app: AppConfig,
  path: ConfigPath,
  live: { readonly database?: string; readonly processorSuffix: string } | undefined,
  input: AppsInput,
  support: Support,
): JobModel | undefined {
  const se = app.sideEffects;
  if (se?.seed !== 'copyLive' || !se.store || se.processingGroups.length === 0 || !support.sqlScripts) return undefined;
  const rm = app.readModel;
  const source = rm && live?.database ? postgresServer(rm.jdbcUrl) : undefined;
  const target = postgresServer(se.store.jdbcUrl);
  if (!rm || !live?.database || !source || !target) {
    input.issues.error(
      [...path, 'sideEffects', 'seed'],
      "copyLive copies from the live processors' token store, the read model of the SERVING colour (or of the rolling app) on PostgreSQL: there is none here; use startAtHead, or seed the shared store yourself and drop `seed`",
    );
    return undefined;
  }
  const tables = STORE_TABLES[se.store.schema];
  const groups = [...new Set(se.processingGroups)].sort();
  const sourceNames = groups.map((g) => `${g}${live.processorSuffix}`).join(',');
  const name = `${app.name}-side-effects-seed`;
  input.names.claim('Job', name, [...path, 'sideEffects', 'seed']);
  const { labels } = input;
  return psqlJob({
    name,
    labels: labels.full(labels.stable(app.name, name, DATABASE_COMPONENT)),
    wave: WAVE.databases,
    hook: SEED_HOOK,
    scripts: support.sqlScripts,
    jobs: input.jobs,
    backoffLimit: 2,
    activeDeadlineSeconds: 1800,
    steps: [
      {
        name: 'export-live',
        script: 'seed-export.sql',
        database: live.database,
        server: source,
        credentials: { name: rm.credentialsSecret, key: rm.usernameKey, passwordKey: rm.passwordKey },
        variables: {
          token_table: tables.tokenTable,
          processor_column: tables.processorColumn,
          source_processors: sourceNames,
          saga_table: tables.sagaTable,
          association_table: tables.associationTable,
          dead_letter_table: tables.deadLetterTable,
          group_column: tables.groupColumn,
          source_groups: sourceNames,
        },
      },
      {
        name: 'import-shared',
        script: 'seed-import.sql',
        database: se.store.database,
        server: target,
        credentials: { name: se.store.credentialsSecret, key: se.store.usernameKey, passwordKey: se.store.passwordKey },
        variables: {
          token_table: tables.tokenTable,
          processor_column: tables.processorColumn,
          owner_column: tables.ownerColumn,
          suffix: live.processorSuffix,
          saga_table: tables.sagaTable,
          association_table: tables.associationTable,
          association_id_column: tables.associationIdColumn,
          dead_letter_table: tables.deadLetterTable,
          group_column: tables.groupColumn,
        },
      },
    ],
  });
}

/**
 * The psql step that creates a database, as the app's user or an administrator for it. `release`
 * (`<app> <colour> <version>`) is written as the database's comment; a database whose comment
 * names another release holds an old read model (its cleanup did not run) and is refused.
 */
function createStep(app: AppConfig, database: string, release = ''): PsqlStep {
  const rm = app.readModel!;
  const admin = rm.adminCredentialsSecret;
  return {
    name: 'create-database',
    script: 'create.sql',
    database: rm.maintenanceDatabase,
    server: postgresServer(rm.jdbcUrl)!,
    credentials: { name: admin ?? rm.credentialsSecret, key: rm.usernameKey, passwordKey: rm.passwordKey },
    // Kubernetes expands $(APP_USERNAME) in args from the container's environment.
    variables: { db: database, owner: admin ? '$(APP_USERNAME)' : '', release },
    env: admin ? [{ name: 'APP_USERNAME', secret: { name: rm.credentialsSecret, key: rm.usernameKey } }] : [],
  };
}

/** What a CLEANING_UP colour's Job does: drop its database, delete its tokens from the shared store. */
function cleanupSteps(app: AppConfig, color: ColorModel): PsqlStep[] {
  const steps: PsqlStep[] = [];
  const rm = app.readModel;
  if (rm?.manage && color.database) {
    steps.push({
      name: 'drop-database',
      script: 'drop.sql',
      database: rm.maintenanceDatabase,
      server: postgresServer(rm.jdbcUrl)!,
      credentials: {
        name: rm.adminCredentialsSecret ?? rm.credentialsSecret,
        key: rm.usernameKey,
        passwordKey: rm.passwordKey,
      },
      variables: { db: color.database },
    });
  }
  const store = app.sideEffects?.store;
  const server = store ? postgresServer(store.jdbcUrl) : undefined;
  if (steps.length > 0 && store && server && color.processorSuffix !== '') {
    const tables = STORE_TABLES[store.schema];
    steps.push({
      name: 'delete-tokens',
      script: 'delete-positions.sql',
      database: store.database,
      server,
      credentials: { name: store.credentialsSecret, key: store.usernameKey, passwordKey: store.passwordKey },
      variables: {
        token_table: tables.tokenTable,
        processor_column: tables.processorColumn,
        pattern: `%${color.processorSuffix}`,
      },
    });
  }
  return steps;
}

function registerSecrets(app: AppConfig, secrets: SecretRegistry): void {
  if (app.tokenSecret)
    secrets.add({ name: app.tokenSecret, key: app.tokenSecretKey }, `${app.name} (Axon Server token)`);
  const rm = app.readModel;
  if (rm) {
    for (const key of [rm.usernameKey, rm.passwordKey])
      secrets.add({ name: rm.credentialsSecret, key }, `${app.name} (read-model database)`);
    if (rm.adminCredentialsSecret && rm.manage) {
      for (const key of [rm.usernameKey, rm.passwordKey])
        secrets.add({ name: rm.adminCredentialsSecret, key }, `${app.name} (creates and drops the colours' databases)`);
    }
  }
  const store = app.sideEffects?.store;
  if (store)
    for (const key of [store.usernameKey, store.passwordKey])
      secrets.add({ name: store.credentialsSecret, key }, `${app.name} (shared token store)`);
  for (const value of Object.values(app.env)) {
    if (typeof value !== 'string' && 'secretName' in value)
      secrets.add({ name: value.secretName, key: value.key }, `${app.name} (env)`);
  }
  for (const name of app.imagePullSecrets)
    secrets.add({ name, key: '.dockerconfigjson' }, `pulling the ${app.name} image`);
}

function checkReadModel(app: AppConfig, path: ConfigPath, issues: Issues): void {
  const rm = app.readModel;
  if (rm?.manage && !postgresServer(rm.jdbcUrl)) {
    issues.error(
      [...path, 'readModel', 'jdbcUrl'],
      `axon-deploy creates and drops PostgreSQL databases only (jdbc:postgresql://host:port), got ${rm.jdbcUrl}: for another database set readModel.manage: false and create and drop the colours' databases yourself`,
    );
  }
  if (rm && !rm.manage && rm.adminCredentialsSecret) {
    issues.warn([...path, 'readModel', 'adminCredentialsSecret'], 'not used while readModel.manage is false');
  }
}

function checkSideEffects(app: AppConfig, path: ConfigPath, issues: Issues): AppModel['sideEffects'] {
  const se = app.sideEffects;
  if (!se) return undefined;
  const groups = [...new Set(se.processingGroups)].sort();
  if (groups.length > 0 && !se.store) {
    issues.error(
      [...path, 'sideEffects', 'store'],
      "required when there are side-effect processing groups: they keep one processor name across colours, so their tokens, sagas and dead letters must live in one store every colour shares (not a colour's own database)",
    );
  }
  se.processingGroups.forEach((group, i) => {
    const suffix = COLORS.find((c) => group.endsWith(`-${c}`));
    if (suffix) {
      issues.error(
        [...path, 'sideEffects', 'processingGroups', i],
        `"${group}" ends in "-${suffix}", the suffix of ${suffix}'s processors: the cleanup of ${suffix} deletes tokens whose processor name ends in it, this group's included; rename the processing group`,
      );
    }
  });
  return {
    processingGroups: groups,
    store: se.store ? { jdbcUrl: se.store.jdbcUrl, database: se.store.database } : undefined,
    seed: se.seed,
  };
}

function service(name: string, serviceLabels: Labels, selector: Labels, wave: number): ServiceModel {
  return {
    meta: { name, labels: serviceLabels, wave },
    selector,
    ports: [{ name: 'http', port: APP_SERVICE_PORT, targetPort: 'http' }],
  };
}

function checkColors(app: AppConfig, path: ConfigPath, issues: Issues): void {
  if (app.release.strategy !== 'blueGreen') return;
  const colors = app.release.colors;
  const { blue, green } = colors;
  const colorsPath = [...path, 'release', 'colors'];
  if (blue.phase === 'SERVING' && green.phase === 'SERVING') {
    issues.error(
      colorsPath,
      'both colours are SERVING: the live Service can select only one; make the other STANDING_BY',
    );
    return;
  }
  const running = COLORS.filter((c) => isRunning(colors[c].phase));
  if (running.length === 2 && blue.version === green.version) {
    issues.warn(
      colorsPath,
      `both running colours are version ${blue.version}: fine for rebuilding a read model, otherwise a slip`,
    );
  }
  if (running.length > 0 && blue.phase !== 'SERVING' && green.phase !== 'SERVING') {
    issues.warn(
      colorsPath,
      `no colour is SERVING while ${running.join(' and ')} ${running.length === 1 ? 'is' : 'are'} running: nothing is live and the live Service ${app.name} is not created`,
    );
  }
}

/** A colour's probe settings over the app's. */
type ProbeOverrides = NonNullable<Extract<AppConfig['release'], { strategy: 'blueGreen' }>['colors']['blue']['probes']>;

function withOverrides(probes: Probes, overrides: ProbeOverrides | undefined): Probes {
  if (!overrides) return probes;
  return {
    startup: { ...probes.startup, ...overrides.startup },
    liveness: { ...probes.liveness, ...overrides.liveness },
    readiness: { ...probes.readiness, ...overrides.readiness },
  };
}

function appProbes(app: AppConfig, mgmtPort: number): Probes {
  const port = mgmtPort === app.port ? 'http' : 'management';
  return {
    startup: { port, scheme: 'HTTP', successThreshold: 1, ...app.probes.startup },
    liveness: { port, scheme: 'HTTP', successThreshold: 1, ...app.probes.liveness },
    readiness: { port, scheme: 'HTTP', ...app.probes.readiness },
  };
}

/** `host:8124` of each node that serves clients of the app's context. */
function serversFor(app: AppConfig, path: ConfigPath, input: AppsInput): string {
  const { axonServer, issues } = input;
  const nodes = axonServer.nodes;
  let serving = nodes.filter((n) => n.servesClients);
  if (axonServer.edition === 'standard') {
    if (app.context !== 'default') {
      issues.error(
        [...path, 'context'],
        `a standard edition server has only the "default" context, got "${app.context}"`,
      );
    }
  } else {
    const group = axonServer.replicationGroups.find((g) => g.name !== ADMIN_GROUP && g.contexts.includes(app.context));
    if (!group) {
      const contexts = axonServer.replicationGroups.filter((g) => g.name !== ADMIN_GROUP).flatMap((g) => g.contexts);
      issues.error(
        [...path, 'context'],
        `no replication group stores context "${app.context}"; contexts: ${contexts.join(', ') || '(none)'}`,
      );
    } else {
      const clientNodes = new Set(group.roles.filter((r) => servesClients(r.role)).map((r) => r.node));
      serving = nodes.filter((n) => clientNodes.has(n.name));
    }
  }
  return serving.map((n) => `${n.fqdn}:${AXON_PORTS.grpc}`).join(',');
}

/**
 * The environment variables of a colour (or of a rolling app), injected first, then the user's.
 * Nothing here depends on the phase: a promotion must not change the pod template.
 */
class EnvBuilder {
  /** Injected variable -> the config field it comes from (for clash messages). */
  private static readonly SOURCES: Readonly<Record<string, string>> = {
    AXON_AXONSERVER_SERVERS: 'the Axon Server nodes',
    AXON_AXONSERVER_CONTEXT: 'context',
    AXON_AXONSERVER_TOKEN: 'tokenSecret',
    AXON_AXONSERVER_COMPONENT_NAME: 'the Deployment name',
    AXON_AXONSERVER_SSL_ENABLED: 'axonServer.tls',
    AXON_AXONSERVER_CERT_FILE: 'axonServer.tls',
    DEPLOYMENT_COLOR: 'the colour',
    DEPLOYMENT_PHASE: 'the phase (read it from the release files)',
    DEPLOYMENT_VERSION: 'the version',
    DEPLOYMENT_PROCESSOR_SUFFIX: 'the colour',
    DEPLOYMENT_READ_MODEL_DATABASE: 'readModel',
    DEPLOYMENT_RELEASE_DIR: 'the release files',
    DEPLOYMENT_SIDE_EFFECT_PROCESSING_GROUPS: 'sideEffects.processingGroups',
    DEPLOYMENT_SIDE_EFFECT_DATASOURCE_URL: 'sideEffects.store',
    DEPLOYMENT_SIDE_EFFECT_DATASOURCE_USERNAME: 'sideEffects.store',
    DEPLOYMENT_SIDE_EFFECT_DATASOURCE_PASSWORD: 'sideEffects.store',
    DEPLOYMENT_SIDE_EFFECT_START: 'sideEffects.seed',
    SERVER_PORT: 'port',
    MANAGEMENT_SERVER_PORT: 'managementPort',
    SERVER_SHUTDOWN: 'graceful shutdown',
    SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE: 'terminationGracePeriodSeconds',
    SPRING_DATASOURCE_URL: 'readModel',
    SPRING_DATASOURCE_USERNAME: 'readModel.credentialsSecret',
    SPRING_DATASOURCE_PASSWORD: 'readModel.credentialsSecret',
  };

  private readonly userEnv: EnvVar[];
  private readonly tls: boolean;

  constructor(
    private readonly app: AppConfig,
    path: ConfigPath,
    private readonly servers: string,
    private readonly mgmtPort: number,
    input: AppsInput,
  ) {
    this.tls = input.axonServer.tls !== undefined;
    const entries = Object.entries(app.env).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [name, value] of entries) {
      const source = EnvBuilder.SOURCES[name];
      if (source)
        input.issues.error([...path, 'env', name], `${name} is set by axon-deploy (from ${source}); remove it here`);
      else if (typeof value === 'string') {
        const why = secretLiteralProblem(name, value);
        if (why) {
          input.issues.error(
            [...path, 'env', name],
            `${name} looks like a secret (${why}) and would be written in plain text to dist/: take it from a Secret with { secretName: <name>, key: <key> }; if it is not a secret, write { value: "…", notSecret: "<why not>" }`,
          );
        }
      }
    }
    this.userEnv = entries
      .filter(([name]) => !EnvBuilder.SOURCES[name])
      .map(([name, value]): EnvVar =>
        typeof value === 'string'
          ? { name, value }
          : 'secretName' in value
            ? { name, secret: { name: value.secretName, key: value.key } }
            : { name, value: value.value },
      );
  }

  build(color: Color | undefined, version: string, storage: Storage): EnvVar[] {
    const app = this.app;
    const workload = color ? `${app.name}-${color}` : app.name;
    const env: EnvVar[] = [
      { name: 'AXON_AXONSERVER_SERVERS', value: this.servers },
      { name: 'AXON_AXONSERVER_CONTEXT', value: app.context },
      ...(app.tokenSecret
        ? [{ name: 'AXON_AXONSERVER_TOKEN', secret: { name: app.tokenSecret, key: app.tokenSecretKey } }]
        : []),
      { name: 'AXON_AXONSERVER_COMPONENT_NAME', value: workload },
      // Axon Server speaks TLS: the Axon Framework connector trusts the mounted CA bundle.
      ...(this.tls
        ? [
            { name: 'AXON_AXONSERVER_SSL_ENABLED', value: 'true' },
            { name: 'AXON_AXONSERVER_CERT_FILE', value: `${CLIENT_CA_DIR}/${CA_FILE}` },
          ]
        : []),
      ...(color
        ? [
            { name: 'DEPLOYMENT_COLOR', value: color },
            { name: 'DEPLOYMENT_RELEASE_DIR', value: RELEASE_DIR },
          ]
        : []),
      { name: 'DEPLOYMENT_VERSION', value: version },
      { name: 'DEPLOYMENT_PROCESSOR_SUFFIX', value: storage.processorSuffix },
      { name: 'SERVER_PORT', value: String(app.port) },
      ...(this.mgmtPort !== app.port ? [{ name: 'MANAGEMENT_SERVER_PORT', value: String(this.mgmtPort) }] : []),
      { name: 'SERVER_SHUTDOWN', value: 'graceful' },
      {
        name: 'SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE',
        value: `${Math.max(5, app.terminationGracePeriodSeconds - app.preStopSleepSeconds - 5)}s`,
      },
    ];
    if (app.readModel && storage.database) {
      env.push(
        { name: 'SPRING_DATASOURCE_URL', value: jdbcUrlOf(app.readModel.jdbcUrl, storage.database) },
        {
          name: 'SPRING_DATASOURCE_USERNAME',
          secret: { name: app.readModel.credentialsSecret, key: app.readModel.usernameKey },
        },
        {
          name: 'SPRING_DATASOURCE_PASSWORD',
          secret: { name: app.readModel.credentialsSecret, key: app.readModel.passwordKey },
        },
        { name: 'DEPLOYMENT_READ_MODEL_DATABASE', value: storage.database },
      );
    }
    const se = app.sideEffects;
    if (se && se.processingGroups.length > 0) {
      // One processor name per group in every colour (no suffix), and one store they share for
      // their tokens, their sagas and their dead letters (the recipe in the README).
      env.push({
        name: 'DEPLOYMENT_SIDE_EFFECT_PROCESSING_GROUPS',
        value: [...new Set(se.processingGroups)].sort().join(','),
      });
      // Where a group without a token starts: Axon's default, the tail (all history), unless the
      // config chose the head for an app that was live before (the review spells out what that skips).
      env.push({ name: 'DEPLOYMENT_SIDE_EFFECT_START', value: se.seed === 'startAtHead' ? 'head' : 'tail' });
      if (se.store) {
        env.push(
          {
            name: 'DEPLOYMENT_SIDE_EFFECT_DATASOURCE_URL',
            value: jdbcUrlOf(se.store.jdbcUrl, se.store.database),
          },
          {
            name: 'DEPLOYMENT_SIDE_EFFECT_DATASOURCE_USERNAME',
            secret: { name: se.store.credentialsSecret, key: se.store.usernameKey },
          },
          {
            name: 'DEPLOYMENT_SIDE_EFFECT_DATASOURCE_PASSWORD',
            secret: { name: se.store.credentialsSecret, key: se.store.passwordKey },
          },
        );
      }
    }
    return [...env, ...this.userEnv];
  }
}

/** A server's JDBC URL with a database: `jdbc:postgresql://db:5432?ssl=true` + `orders` -> `jdbc:postgresql://db:5432/orders?ssl=true`. */
function jdbcUrlOf(serverUrl: string, database: string): string {
  const [base, query] = serverUrl.split('?', 2);
  return `${base.replace(/\/$/, '')}/${database}${query !== undefined ? `?${query}` : ''}`;
}
