/**
 * Apps -> releases: colour-suffixed blue/green Deployments moving through phases, or one rolling
 * Deployment; the live and preview Services; the cleanup Job of a colour; the injected
 * environment that tells each pod who it is.
 */
import type { ConfigPath } from '../config/diagnostics';
import type { AppConfig } from '../config/schema';
import { LABEL_COLOR, LABEL_INSTANCE, LABEL_NAME, LABEL_PHASE, LABEL_VERSION } from '../domain/keys';
import { Color, COLORS, isRunning, Phase, PHASE_PROFILES } from '../domain/phases';
import { ADMIN_GROUP, servesClients } from '../domain/roles';
import { CLEANUP_HOOK, deploymentWave, WAVE } from '../domain/waves';
import { AXON_PORTS } from './axon-config';
import { AXON_SERVER } from './axon-server';
import type { Issues } from './issues';
import type { LabelScheme } from './labels';
import type { NameRegistry } from './names';
import { TMP_MOUNT, TMP_VOLUME } from './pods';
import { resolveResources } from './resources';
import { secretLiteralProblem } from './secret-literals';
import type { SecretRegistry } from './secrets';
import type {
  AppModel, AxonServerModel, CleanupJobModel, ColorModel, ContainerModel, DeploymentModel, EnvVar, Labels, PodModel, Probes,
  ServiceModel,
} from './types';

export interface AppsInput {
  readonly apps: readonly AppConfig[];
  readonly axonServer: AxonServerModel;
  readonly accessControl: boolean;
  readonly labels: LabelScheme;
  readonly issues: Issues;
  readonly names: NameRegistry;
  readonly secrets: SecretRegistry;
}

const COMPONENT = 'app';
const CLEANUP_COMPONENT = 'cleanup';
/** Service port of every app; the container port is the app's own. */
export const APP_SERVICE_PORT = 80;

export function buildApps(input: AppsInput): AppModel[] {
  const seen = new Set<string>();
  return input.apps.flatMap((app, index) => {
    const path: ConfigPath = ['apps', index];
    if (app.name === AXON_SERVER) {
      input.issues.error([...path, 'name'], `"${AXON_SERVER}" is the name label of the Axon Server pods: choose another app name`);
    }
    if (seen.has(app.name)) {
      input.issues.error([...path, 'name'], `app "${app.name}" is declared twice`);
      return [];
    }
    seen.add(app.name);
    return [buildApp(app, path, input)];
  });
}

function buildApp(app: AppConfig, path: ConfigPath, input: AppsInput): AppModel {
  const { issues, labels, names, secrets } = input;
  const servers = serversFor(app, path, input);
  if (input.accessControl && !app.tokenSecret) {
    issues.error([...path, 'tokenSecret'], 'required: access control is enabled on Axon Server, so the app needs a token (a Secret with the app\'s token)');
  }
  const token = app.tokenSecret ? { name: app.tokenSecret, key: app.tokenSecretKey } : undefined;
  if (token) secrets.add(token, `${app.name} (Axon Server token)`);
  if (app.readModel) {
    secrets.add({ name: app.readModel.credentialsSecret, key: app.readModel.usernameKey }, `${app.name} (read-model database)`);
    secrets.add({ name: app.readModel.credentialsSecret, key: app.readModel.passwordKey }, `${app.name} (read-model database)`);
  }
  for (const value of Object.values(app.env)) {
    if (typeof value !== 'string' && 'secretName' in value) secrets.add({ name: value.secretName, key: value.key }, `${app.name} (env)`);
  }
  for (const name of app.imagePullSecrets) secrets.add({ name, key: '.dockerconfigjson' }, `pulling the ${app.name} image`);
  const mgmtPort = app.managementPort ?? app.port;
  const probes = appProbes(app, mgmtPort);
  const resources = resolveResources(app.resources, [...path, 'resources'], issues);
  if (app.terminationGracePeriodSeconds < app.preStopSleepSeconds + 10) {
    issues.error([...path, 'terminationGracePeriodSeconds'],
      `expected at least preStopSleepSeconds + 10 (${app.preStopSleepSeconds + 10}), got ${app.terminationGracePeriodSeconds}: after the pre-stop pause the app needs time to finish in-flight requests and stop its processors`);
  }
  const env = new EnvBuilder(app, path, servers, mgmtPort, input);
  const ports = [{ name: 'http', containerPort: app.port }, ...(mgmtPort !== app.port ? [{ name: 'management', containerPort: mgmtPort }] : [])];
  const imageOf = (version: string) => `${app.image}:${version}`;
  /** The pod of a Deployment (with probes and a pre-stop pause) or of a Job (run to completion). */
  const pod = (podLabels: Labels, vars: EnvVar[], version: string, kind: 'service' | 'job'): PodModel => {
    const container: ContainerModel = {
      name: app.name,
      image: imageOf(version),
      imagePullPolicy: 'IfNotPresent',
      ports,
      env: vars,
      resources,
      mounts: [TMP_MOUNT],
      ...(kind === 'service' ? { probes, preStopSleepSeconds: app.preStopSleepSeconds } : {}),
    };
    return {
      labels: podLabels,
      annotations: app.podAnnotations,
      user: { runAsUser: app.runAsUser, runAsGroup: app.runAsGroup },
      imagePullSecrets: app.imagePullSecrets,
      ...(kind === 'service' ? { terminationGracePeriodSeconds: app.terminationGracePeriodSeconds } : { restartPolicy: 'Never' as const }),
      volumes: [TMP_VOLUME],
      containers: [container],
    };
  };

  if (app.release.strategy === 'rolling') {
    const release = app.release;
    names.claim('Deployment', app.name, [...path, 'name']);
    names.claim('Service', app.name, [...path, 'name']);
    names.claim('PodDisruptionBudget', app.name, [...path, 'name']);
    const stable = labels.stable(app.name, app.name, COMPONENT);
    const selector: Labels = { [LABEL_NAME]: app.name, [LABEL_INSTANCE]: app.name };
    const deployment: DeploymentModel = {
      meta: { name: app.name, labels: labels.full(stable, { [LABEL_VERSION]: release.version }), wave: WAVE.serving },
      phase: 'SERVING',
      version: release.version,
      replicas: app.replicas,
      selector,
      pod: pod(labels.full(stable, { [LABEL_VERSION]: release.version }), env.build(undefined, 'SERVING', release.version), release.version, 'service'),
      maxSurge: release.maxSurge,
      minReadySeconds: release.minReadySeconds,
    };
    return {
      name: app.name,
      strategy: 'rolling',
      context: app.context,
      token,
      colors: [],
      deployments: [deployment],
      liveService: service(app.name, labels.full(stable), selector, WAVE.liveService),
      pdb: { meta: { name: app.name, labels: labels.full(stable), wave: WAVE.config }, selector, maxUnavailable: 1 },
      cleanupJobs: [],
    };
  }

  const release = app.release;
  const colorPath = (c: Color) => [...path, 'release', 'colors', c];
  checkColors(app, path, issues);
  const colors: ColorModel[] = COLORS.map((color) => ({
    color,
    version: release.colors[color].version,
    phase: release.colors[color].phase,
    database: app.readModel ? databaseOf(app.readModel.database, color) : undefined,
  }));
  const appStable = labels.stable(app.name, app.name, COMPONENT);
  const colorSelector = (color: Color): Labels => ({ [LABEL_NAME]: app.name, [LABEL_COLOR]: color });
  const deployments: DeploymentModel[] = [];
  const cleanupJobs: CleanupJobModel[] = [];
  for (const { color, version, phase } of colors) {
    const declared = release.colors[color];
    const name = `${app.name}-${color}`;
    const more: Labels = { [LABEL_VERSION]: version, [LABEL_COLOR]: color, [LABEL_PHASE]: phase };
    if (isRunning(phase)) {
      names.claim('Deployment', name, [...colorPath(color), 'phase']);
      const stable = labels.stable(app.name, name, COMPONENT);
      deployments.push({
        meta: { name, labels: labels.full(stable, more), wave: deploymentWave(phase) },
        color,
        phase,
        version,
        replicas: phase === 'STANDING_BY' ? release.standbyReplicas : declared.replicas ?? app.replicas,
        selector: colorSelector(color),
        pod: pod(labels.full(stable, more), env.build(color, phase, version), version, 'service'),
        maxSurge: release.maxSurge,
        minReadySeconds: release.minReadySeconds,
      });
    } else if (phase === 'CLEANING_UP') {
      const name = cleanupJobName(app.name, color, version);
      if (name.length > 63) {
        issues.error([...colorPath(color), 'version'],
          `the cleanup Job name "${name}" has ${name.length} characters, more than Kubernetes allows (63): shorten the app name or the version`);
      }
      names.claim('Job', name, [...colorPath(color), 'phase']);
      const stable = labels.stable(app.name, `${app.name}-${color}`, CLEANUP_COMPONENT);
      cleanupJobs.push({
        meta: { name, labels: labels.full(stable, more), wave: WAVE.notServing + 1, hook: CLEANUP_HOOK },
        color,
        version,
        pod: pod(labels.full(stable, more), env.build(color, phase, version), version, 'job'),
        ttlSecondsAfterFinished: release.cleanup.ttlSecondsAfterFinished,
        backoffLimit: release.cleanup.backoffLimit,
        activeDeadlineSeconds: release.cleanup.activeDeadlineSeconds,
      });
    }
  }

  const serving = colors.find((c) => c.phase === 'SERVING');
  const previewTarget = colors.find((c) => c.phase === 'INITIALISING') ?? colors.find((c) => c.phase === 'STANDING_BY');
  names.claim('Service', app.name, [...path, 'name']);
  names.claim('Service', `${app.name}-preview`, [...path, 'name']);
  names.claim('PodDisruptionBudget', app.name, [...path, 'name']);
  return {
    name: app.name,
    strategy: 'blueGreen',
    context: app.context,
    token,
    colors,
    liveColor: serving?.color,
    previewColor: previewTarget?.color,
    deployments,
    liveService: serving ? service(app.name, labels.full(appStable), colorSelector(serving.color), WAVE.liveService) : undefined,
    previewService: previewTarget
      ? service(`${app.name}-preview`, labels.full(labels.stable(app.name, `${app.name}-preview`, COMPONENT)), colorSelector(previewTarget.color), WAVE.notServing)
      : undefined,
    pdb: serving ? { meta: { name: app.name, labels: labels.full(appStable), wave: WAVE.config }, selector: colorSelector(serving.color), maxUnavailable: 1 } : undefined,
    cleanupJobs,
  };
}

function service(name: string, serviceLabels: Labels, selector: Labels, wave: number): ServiceModel {
  return { meta: { name, labels: serviceLabels, wave }, selector, ports: [{ name: 'http', port: APP_SERVICE_PORT, targetPort: 'http' }] };
}

/** `<database>_<colour>`: each colour replays into its own, empty database. */
export const databaseOf = (database: string, color: Color | undefined) => (color ? `${database}_${color}` : database);

/** Job templates are immutable: the name carries colour and version, so a new cleanup is a new Job. */
export function cleanupJobName(app: string, color: Color, version: string): string {
  const slug = version.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return `${app}-${color}-cleanup-${slug}`;
}

function checkColors(app: AppConfig, path: ConfigPath, issues: Issues): void {
  if (app.release.strategy !== 'blueGreen') return;
  const colors = app.release.colors;
  const { blue, green } = colors;
  const colorsPath = [...path, 'release', 'colors'];
  if (blue.phase === 'SERVING' && green.phase === 'SERVING') {
    issues.error(colorsPath, 'both colours are SERVING: the live Service can select only one; make the other STANDING_BY');
    return;
  }
  const running = COLORS.filter((c) => isRunning(colors[c].phase));
  if (running.length === 2 && blue.version === green.version) {
    issues.warn(colorsPath, `both running colours are version ${blue.version}: fine for rebuilding a read model, otherwise a slip`);
  }
  if (running.length > 0 && blue.phase !== 'SERVING' && green.phase !== 'SERVING') {
    issues.warn(colorsPath, `no colour is SERVING while ${running.join(' and ')} ${running.length === 1 ? 'is' : 'are'} running: nothing is live and the live Service ${app.name} is not created`);
  }
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
      issues.error([...path, 'context'], `a standard edition server has only the "default" context, got "${app.context}"`);
    }
  } else {
    const group = axonServer.replicationGroups.find((g) => g.name !== ADMIN_GROUP && g.contexts.includes(app.context));
    if (!group) {
      const contexts = axonServer.replicationGroups.filter((g) => g.name !== ADMIN_GROUP).flatMap((g) => g.contexts);
      issues.error([...path, 'context'], `no replication group stores context "${app.context}"; contexts: ${contexts.join(', ') || '(none)'}`);
    } else {
      const clientNodes = new Set(group.roles.filter((r) => servesClients(r.role)).map((r) => r.node));
      serving = nodes.filter((n) => clientNodes.has(n.name));
    }
  }
  return serving.map((n) => `${n.fqdn}:${AXON_PORTS.grpc}`).join(',');
}

/** The environment variables of a colour (or of a rolling app), injected first, then the user's. */
class EnvBuilder {
  /** Injected variable -> the config field it comes from (for clash messages). */
  private static readonly SOURCES: Readonly<Record<string, string>> = {
    AXON_AXONSERVER_SERVERS: 'the Axon Server nodes', AXON_AXONSERVER_CONTEXT: 'context', AXON_AXONSERVER_TOKEN: 'tokenSecret',
    AXON_AXONSERVER_COMPONENT_NAME: 'the Deployment name', DEPLOYMENT_COLOR: 'the colour', DEPLOYMENT_PHASE: 'the phase',
    DEPLOYMENT_VERSION: 'the version', DEPLOYMENT_PROCESSOR_SUFFIX: 'the colour', DEPLOYMENT_READ_MODEL_DATABASE: 'readModel',
    SERVER_PORT: 'port', MANAGEMENT_SERVER_PORT: 'managementPort', SERVER_SHUTDOWN: 'graceful shutdown',
    SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE: 'terminationGracePeriodSeconds', SPRING_DATASOURCE_URL: 'readModel',
    SPRING_DATASOURCE_USERNAME: 'readModel.credentialsSecret', SPRING_DATASOURCE_PASSWORD: 'readModel.credentialsSecret',
  };

  private readonly userEnv: EnvVar[];
  private readonly userProfiles: string[];

  constructor(
    private readonly app: AppConfig,
    path: ConfigPath,
    private readonly servers: string,
    private readonly mgmtPort: number,
    input: AppsInput,
  ) {
    const entries = Object.entries(app.env).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [name, value] of entries) {
      const source = EnvBuilder.SOURCES[name];
      if (source) input.issues.error([...path, 'env', name], `${name} is set by axon-deploy (from ${source}); remove it here`);
      else if (typeof value === 'string') {
        const why = secretLiteralProblem(name, value);
        if (why) {
          input.issues.error([...path, 'env', name],
            `${name} looks like a secret (${why}) and would be written in plain text to dist/: take it from a Secret with { secretName: <name>, key: <key> }; if it is not a secret, write { value: "…", notSecret: "<why not>" }`);
        }
      }
    }
    const profiles = app.env.SPRING_PROFILES_ACTIVE;
    if (profiles !== undefined && typeof profiles !== 'string') {
      input.issues.error([...path, 'env', 'SPRING_PROFILES_ACTIVE'], 'expected a string: axon-deploy adds the phase\'s profile to it');
    }
    this.userProfiles = (typeof profiles === 'string' ? profiles : '').split(',').map((p) => p.trim()).filter((p) => p !== '');
    this.userEnv = entries
      .filter(([name]) => !EnvBuilder.SOURCES[name] && name !== 'SPRING_PROFILES_ACTIVE')
      .map(([name, value]): EnvVar => (typeof value === 'string' ? { name, value }
        : 'secretName' in value ? { name, secret: { name: value.secretName, key: value.key } } : { name, value: value.value }));
  }

  build(color: Color | undefined, phase: Phase, version: string): EnvVar[] {
    const app = this.app;
    const workload = color ? `${app.name}-${color}` : app.name;
    const env: EnvVar[] = [
      { name: 'AXON_AXONSERVER_SERVERS', value: this.servers },
      { name: 'AXON_AXONSERVER_CONTEXT', value: app.context },
      ...(app.tokenSecret ? [{ name: 'AXON_AXONSERVER_TOKEN', secret: { name: app.tokenSecret, key: app.tokenSecretKey } }] : []),
      { name: 'AXON_AXONSERVER_COMPONENT_NAME', value: workload },
      ...(color ? [{ name: 'DEPLOYMENT_COLOR', value: color }] : []),
      { name: 'DEPLOYMENT_PHASE', value: phase },
      { name: 'DEPLOYMENT_VERSION', value: version },
      { name: 'DEPLOYMENT_PROCESSOR_SUFFIX', value: color ? `-${color}` : '' },
      { name: 'SERVER_PORT', value: String(app.port) },
      ...(this.mgmtPort !== app.port ? [{ name: 'MANAGEMENT_SERVER_PORT', value: String(this.mgmtPort) }] : []),
      { name: 'SERVER_SHUTDOWN', value: 'graceful' },
      { name: 'SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE', value: `${Math.max(5, app.terminationGracePeriodSeconds - app.preStopSleepSeconds - 5)}s` },
    ];
    if (app.readModel) {
      const database = databaseOf(app.readModel.database, color);
      // Cleanup drops the colour's database, so it connects to the maintenance database instead.
      const connectTo = phase === 'CLEANING_UP' ? app.readModel.maintenanceDatabase : database;
      const [base, query] = app.readModel.jdbcUrl.split('?', 2);
      env.push(
        { name: 'SPRING_DATASOURCE_URL', value: `${base.replace(/\/$/, '')}/${connectTo}${query !== undefined ? `?${query}` : ''}` },
        { name: 'SPRING_DATASOURCE_USERNAME', secret: { name: app.readModel.credentialsSecret, key: app.readModel.usernameKey } },
        { name: 'SPRING_DATASOURCE_PASSWORD', secret: { name: app.readModel.credentialsSecret, key: app.readModel.passwordKey } },
        { name: 'DEPLOYMENT_READ_MODEL_DATABASE', value: database },
      );
    }
    env.push({ name: 'SPRING_PROFILES_ACTIVE', value: [...this.userProfiles, PHASE_PROFILES[phase]].join(',') });
    return [...env, ...this.userEnv];
  }
}
