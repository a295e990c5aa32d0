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
import { appProbes, podBuilder } from './pods';
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
/** Service port of every app; the container port is the app's own. */
export const APP_SERVICE_PORT = 80;
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
  // The release files of a blue/green app (its pods mount them); a rolling app has none.
  const releaseConfig = releaseConfigMap(app.name);
  const ca = clientCaMount(input.axonServer.tls);
  const pod = podBuilder(app, {
    ports,
    extras,
    resources,
    probes,
    releaseConfig: blueGreen ? releaseConfig : undefined,
    ca,
  });
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
    autoscaler,
    databaseJob,
    common,
    exposureInput,
    releaseConfig,
  };
}

export function service(name: string, serviceLabels: Labels, selector: Labels, wave: number): ServiceModel {
  return {
    meta: { name, labels: serviceLabels, wave },
    selector,
    ports: [{ name: 'http', port: APP_SERVICE_PORT, targetPort: 'http' }],
  };
}
