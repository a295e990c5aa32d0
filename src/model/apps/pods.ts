/**
 * The pod of an app: one builder for the Deployments and Jobs of every colour, and the probes.
 */
import { RELEASE_DIR } from './context';
import { APP_PORT_NAMES } from '../../domain/ports';
import type { AppConfig } from '../../config/schema';
import { appScheduling, imageOf, podExtras } from '../app-extras';
import { clientCaMount } from '../tls';
import { TMP_MOUNT, TMP_VOLUME } from '../pods';
import type { ContainerModel, EnvVar, Labels, PodModel, Probes } from '../types';

/** What every pod of one app shares. */
export interface PodParts {
  readonly ports: ContainerModel['ports'];
  readonly extras: ReturnType<typeof podExtras>;
  readonly resources: ContainerModel['resources'];
  readonly probes: Probes;
  readonly releaseConfig?: string;
  readonly ca: ReturnType<typeof clientCaMount>;
}

export function podBuilder(app: AppConfig, parts: PodParts) {
  const { ports, extras, resources, probes, releaseConfig, ca } = parts;
  /**
   * The pod of a Deployment (with probes, a pre-stop pause, spread over zones and hosts) or of a
   * Job (run to completion). Nothing in it depends on the phase.
   */
  return (
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
}

/** A colour's probe settings over the app's. */
export type ProbeOverrides = NonNullable<
  Extract<AppConfig['release'], { strategy: 'blueGreen' }>['colors']['blue']['probes']
>;

export function withOverrides(probes: Probes, overrides: ProbeOverrides | undefined): Probes {
  if (!overrides) return probes;
  return {
    startup: { ...probes.startup, ...overrides.startup },
    liveness: { ...probes.liveness, ...overrides.liveness },
    readiness: { ...probes.readiness, ...overrides.readiness },
  };
}

/** The container port name the actuator (probes, metrics) answers on. */
export const managementPortName = (app: AppConfig, mgmtPort: number): string =>
  mgmtPort === app.port ? APP_PORT_NAMES.http : APP_PORT_NAMES.management;

export function appProbes(app: AppConfig, mgmtPort: number): Probes {
  const port = managementPortName(app, mgmtPort);
  return {
    startup: { port, scheme: 'HTTP', successThreshold: 1, ...app.probes.startup },
    liveness: { port, scheme: 'HTTP', successThreshold: 1, ...app.probes.liveness },
    readiness: { port, scheme: 'HTTP', ...app.probes.readiness },
  };
}
