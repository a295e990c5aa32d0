/**
 * What every builder of an app shares: the input of all apps, the constants, and the AppBuild
 * of one app (its checks done once, its environment, its pod builder, the Jobs and autoscalers it
 * may need, the fields every app model has).
 */
import { releaseConfigMap } from '../../domain/names';
import type { ConfigPath } from '../../config/diagnostics';
import type { Assets } from '../../assets';
import type { AppConfig, JobsConfig, MonitoringConfig } from '../../config/schema';
import { LABEL_NAME } from '../../domain/keys';
import { APP_PORT_NAMES, APP_SERVICE_PORT } from '../../domain/ports';
import { Phase } from '../../domain/phases';
import { deploymentWave, DATABASE_HOOK, WAVE } from '../../domain/waves';
import { autoscalerOf, checkReplicas, podExtras } from '../app-extras';
import { podMonitor } from '../monitoring';
import { clientCaMount } from '../tls';
import { psqlJob } from '../database-jobs';
import type { Issues } from '../issues';
import type { LabelScheme } from '../labels';
import type { NameRegistry } from '../names';
import { resolveResources } from '../resources';
import type { SecretRegistry } from '../secrets';
import type { AxonServerModel, ConfigFilesModel, JobModel, Labels, SecretRef, ServiceModel } from '../types';
import { EnvBuilder, serversFor } from './env';
import { appProbes, managementPortName, podBuilder } from './pods';
import { checkReadModel, checkSideEffects, registerSecrets } from './checks';
import { createStep } from './storage';

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

export const COMPONENT = 'app';
export const CLEANUP_COMPONENT = 'cleanup';
export const DATABASE_COMPONENT = 'database';
export const RELEASE_COMPONENT = 'release';
/** The name label of what the database Jobs share (their SQL scripts). */
export const DATABASE_JOBS_NAME = 'axon-deploy-database';
/** Where a colour's pods find the release files (`<colour>.phase`, `<colour>.live`, `live`). */
export const RELEASE_DIR = '/etc/axon-deploy/release';

export interface Support {
  readonly sqlScripts?: ConfigFilesModel;
}

/** Where a colour (or the rolling Deployment) keeps its processors and read model. */
export interface Storage {
  /** Appended to every processor name that builds the read model. */
  readonly processorSuffix: string;
  readonly database?: string;
}

/** One app's shared parts, built once: what rolling.ts and blue-green.ts make its model from. */
export type AppBuild = ReturnType<typeof appBuild>;

export function appBuild(app: AppConfig, path: ConfigPath, input: AppsInput, support: Support) {
  const { issues, labels, names, secrets } = input;
  const servers = serversFor(app, path, input);
  checkApp(app, path, input);
  const token = app.tokenSecret ? { name: app.tokenSecret, key: app.tokenSecretKey } : undefined;
  registerSecrets(app, secrets);
  checkReadModel(app, path, issues);
  const sideEffects = checkSideEffects(app, path, issues);
  const mgmtPort = app.managementPort ?? app.port;
  const env = new EnvBuilder(app, path, servers, mgmtPort, input);
  // The release files of a blue/green app (its pods mount them); a rolling app has none.
  const releaseConfig = releaseConfigMap(app.name);
  const pod = appPod(app, path, input, mgmtPort, releaseConfig);
  const common = {
    name: app.name,
    context: app.context,
    token,
    sideEffects,
    hasReadModel: app.readModel !== undefined,
    podMonitor: appMonitor(app, path, input, mgmtPort),
    axonServerRoles: [...new Set(app.axonServerRoles)].sort(),
  };
  const exposureInput = { app, path, labels, names, issues, secrets, component: COMPONENT };
  return {
    app,
    path,
    input,
    support,
    issues,
    labels,
    names,
    secrets,
    env,
    pod,
    autoscaler: autoscalerFactory(app, path, input),
    databaseJob: databaseJobFactory(app, path, input, support),
    common,
    exposureInput,
    releaseConfig,
  };
}

/** Checks of one app that need more than the schema: a token under access control, a long enough grace. */
function checkApp(app: AppConfig, path: ConfigPath, { axonServer, issues }: AppsInput): void {
  if (axonServer.accessControl && !app.tokenSecret) {
    issues.error(
      [...path, 'tokenSecret'],
      "required: access control is enabled on Axon Server, so the app needs a token (a Secret with the app's token)",
    );
  }
  checkReplicas(app, path, issues);
  if (app.terminationGracePeriodSeconds < app.preStopSleepSeconds + 10) {
    issues.error(
      [...path, 'terminationGracePeriodSeconds'],
      `expected at least preStopSleepSeconds + 10 (${app.preStopSleepSeconds + 10}), got ${app.terminationGracePeriodSeconds}: after the pre-stop pause the app needs time to finish in-flight requests and stop its processors`,
    );
  }
}

/** The pod builder of an app: ports, probes, extras, resources, release files and the Axon Server CA. */
function appPod(app: AppConfig, path: ConfigPath, input: AppsInput, mgmtPort: number, releaseConfig: string) {
  const ports = [
    { name: APP_PORT_NAMES.http, containerPort: app.port },
    ...(mgmtPort !== app.port ? [{ name: APP_PORT_NAMES.management, containerPort: mgmtPort }] : []),
  ];
  return podBuilder(app, {
    ports,
    extras: podExtras(app, path, input.issues, input.secrets),
    resources: resolveResources(app.resources, [...path, 'resources'], input.issues),
    probes: appProbes(app, mgmtPort),
    releaseConfig: app.release.strategy === 'blueGreen' ? releaseConfig : undefined,
    ca: clientCaMount(input.axonServer.tls),
  });
}

/** The autoscaler of one Deployment of the app (a colour or the rolling one), when the app scales. */
function autoscalerFactory(app: AppConfig, path: ConfigPath, { labels, names }: AppsInput) {
  return (deployment: string, phase: Phase, standbyReplicas: number) => {
    const hpa = autoscalerOf(app, deployment, phase, standbyReplicas, {
      name: deployment,
      labels: labels.full(labels.stable(app.name, deployment, COMPONENT)),
      wave: deploymentWave(phase),
    });
    if (hpa) names.claim('HorizontalPodAutoscaler', deployment, [...path, 'autoscaling']);
    return hpa;
  };
}

/** The Job that creates a read-model database, when axon-deploy manages the app's databases. */
function databaseJobFactory(app: AppConfig, path: ConfigPath, input: AppsInput, support: Support) {
  return (name: string, jobLabels: Labels, database: string, owner?: string): JobModel | undefined => {
    if (!app.readModel?.manage || !support.sqlScripts) return undefined;
    input.names.claim('Job', name, [...path, 'readModel']);
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
}

/** The app's PodMonitor, when monitoring covers apps. */
function appMonitor(app: AppConfig, path: ConfigPath, { monitoring, labels, names }: AppsInput, mgmtPort: number) {
  if (!monitoring.enabled || !monitoring.apps) return undefined;
  names.claim('PodMonitor', app.name, [...path, 'name']);
  return podMonitor(monitoring, {
    name: app.name,
    labels: labels.full(labels.stable(app.name, app.name, 'metrics')),
    wave: WAVE.config,
    selector: { [LABEL_NAME]: app.name },
    port: managementPortName(app, mgmtPort),
    path: app.metricsPath,
  });
}

export function service(name: string, serviceLabels: Labels, selector: Labels, wave: number): ServiceModel {
  return {
    meta: { name, labels: serviceLabels, wave },
    selector,
    ports: [{ name: APP_PORT_NAMES.http, port: APP_SERVICE_PORT, targetPort: APP_PORT_NAMES.http }],
  };
}
