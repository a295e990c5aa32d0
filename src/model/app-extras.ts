/**
 * What a production app needs beyond its release: where its pods run (spread over zones and
 * hosts, node pools), what else they mount and run (the typed escape hatches: envFrom, volumes,
 * init containers, sidecars), the pinned image, exposure outside the cluster, and autoscaling.
 */
import type { ConfigPath } from '../config/diagnostics';
import type { AppConfig } from '../config/schema';
import type { Color, Phase } from '../domain/phases';
import { previewService } from '../domain/names';
import { APP_SERVICE_PORT } from '../domain/ports';
import { compareText } from '../util/text';
import { CERTIFICATE_USAGES_RSA } from './tls';
import type { Issues } from './issues';
import type { LabelScheme } from './labels';
import type { NameRegistry } from './names';
import { scratchVolume } from './pods';
import { resolveResources } from './resources';
import { secretLiteralProblem } from './secret-literals';
import type { SecretRegistry } from './secrets';
import type {
  AutoscalerModel,
  CertificateModel,
  ContainerModel,
  EnvVar,
  HttpRouteModel,
  IngressModel,
  Labels,
  PodVolume,
  SchedulingModel,
  VolumeMount,
} from './types';

/** Volume names axon-deploy gives app pods. */
const RESERVED_VOLUMES = ['tmp', 'release', 'axonserver-ca'];

export interface PodExtras {
  readonly volumes: readonly PodVolume[];
  /** Mounts of the app container. */
  readonly mounts: readonly VolumeMount[];
  readonly envFrom: NonNullable<ContainerModel['envFrom']>;
  readonly initContainers: readonly ContainerModel[];
  readonly sidecars: readonly ContainerModel[];
}

/** The typed escape hatches of an app's pods, checked: names, sources, references. */
export function podExtras(app: AppConfig, path: ConfigPath, issues: Issues, secrets: SecretRegistry): PodExtras {
  const { volumes, mounts, names } = appVolumes(app, path, issues, secrets);
  const envFrom = app.envFrom.map((e) => {
    if ('secret' in e) secrets.add({ name: e.secret, key: '*' }, `${app.name} (envFrom)`);
    return 'secret' in e
      ? { kind: 'secret' as const, name: e.secret, prefix: e.prefix }
      : { kind: 'configMap' as const, name: e.configMap, prefix: e.prefix };
  });
  const containers: ExtraContainers = { app, path, issues, secrets, volumes: names, taken: new Set([app.name]) };
  return {
    volumes,
    mounts,
    envFrom,
    initContainers: extraContainers(containers, 'initContainers'),
    sidecars: extraContainers(containers, 'sidecars'),
  };
}

/** The app's own volumes and their mounts in the app container; each has one source and a free name. */
function appVolumes(app: AppConfig, path: ConfigPath, issues: Issues, secrets: SecretRegistry) {
  const volumes: PodVolume[] = [];
  const mounts: VolumeMount[] = [];
  const names = new Set<string>();
  app.volumes.forEach((v, i) => {
    const at = [...path, 'volumes', i];
    if (RESERVED_VOLUMES.includes(v.name))
      issues.error([...at, 'name'], `"${v.name}" is a volume axon-deploy gives every app pod; choose another name`);
    else if (names.has(v.name)) issues.error([...at, 'name'], `volume "${v.name}" is declared twice`);
    names.add(v.name);
    const sources = (['configMap', 'secret', 'emptyDir', 'persistentVolumeClaim'] as const).filter(
      (k) => v[k] !== undefined,
    );
    if (sources.length !== 1) {
      issues.error(
        at,
        `expected exactly one source (configMap, secret, emptyDir or persistentVolumeClaim), got ${sources.length === 0 ? 'none' : sources.join(' and ')}`,
      );
      return;
    }
    if (v.secret) secrets.add({ name: v.secret, key: '*' }, `${app.name} (volume ${v.name})`);
    volumes.push(
      v.configMap
        ? { kind: 'configMap', name: v.name, configMap: v.configMap, defaultMode: 0o444 }
        : v.secret
          ? { kind: 'secret', name: v.name, secretName: v.secret, defaultMode: 0o440 }
          : v.emptyDir
            ? scratchVolume(v.name, String(v.emptyDir.sizeLimit))
            : {
                kind: 'persistentVolumeClaim',
                name: v.name,
                claimName: v.persistentVolumeClaim!,
                readOnly: v.readOnly,
              },
    );
    mounts.push({ name: v.name, mountPath: v.mountPath, readOnly: v.readOnly });
  });
  return { volumes, mounts, names };
}

interface ExtraContainers {
  readonly app: AppConfig;
  readonly path: ConfigPath;
  readonly issues: Issues;
  readonly secrets: SecretRegistry;
  /** The app's volumes, which the containers may mount. */
  readonly volumes: ReadonlySet<string>;
  /** Container names already in the pod (the app's own is named after the app). */
  readonly taken: Set<string>;
}

/** The init containers or sidecars of the app, checked: unique names, no secret literals, known volumes. */
function extraContainers(input: ExtraContainers, which: 'initContainers' | 'sidecars'): ContainerModel[] {
  const { app, path, issues, taken } = input;
  return app[which].map((c, i): ContainerModel => {
    const at = [...path, which, i];
    if (taken.has(c.name))
      issues.error(
        [...at, 'name'],
        `container "${c.name}" already exists in the pod (the app's container is named after the app)`,
      );
    taken.add(c.name);
    const containerMounts = c.mounts.map((m, j) => {
      if (m.volume !== 'tmp' && !input.volumes.has(m.volume)) {
        issues.error(
          [...at, 'mounts', j, 'volume'],
          `no volume "${m.volume}"; volumes: ${['tmp', ...input.volumes].join(', ')}`,
        );
      }
      return { name: m.volume, mountPath: m.mountPath, readOnly: m.readOnly };
    });
    return {
      name: c.name,
      image: c.image,
      imagePullPolicy: 'IfNotPresent',
      command: c.command,
      args: c.args,
      ports: c.ports,
      env: containerEnv(input, c, at),
      resources: resolveResources(c.resources, [...at, 'resources'], issues),
      // /tmp is writable in every container of the pod (the root filesystem is read-only).
      mounts: [{ name: 'tmp', mountPath: '/tmp' }, ...containerMounts.filter((m) => m.name !== 'tmp')],
    };
  });
}

/** An extra container's variables, sorted: literals that are no secrets, or references to Secrets. */
function containerEnv(
  { app, issues, secrets }: ExtraContainers,
  c: AppConfig['sidecars'][number],
  at: ConfigPath,
): EnvVar[] {
  return Object.entries(c.env)
    .sort(([a], [b]) => compareText(a, b))
    .map(([name, value]): EnvVar => {
      if (typeof value === 'string') {
        const why = secretLiteralProblem(name, value);
        if (why)
          issues.error(
            [...at, 'env', name],
            `${name} looks like a secret (${why}) and would be written in plain text to dist/: take it from a Secret with { secretName: <name>, key: <key> }`,
          );
        return { name, value };
      }
      secrets.add({ name: value.secretName, key: value.key }, `${app.name} (${c.name})`);
      return { name, secret: { name: value.secretName, key: value.key } };
    });
}

/** Where a colour's pods run: the app's placement, spread over zones and hosts among themselves. */
export function appScheduling(app: AppConfig, selector: Labels): SchedulingModel {
  const s = app.scheduling;
  return {
    nodeSelector: s.nodeSelector ?? {},
    tolerations: s.tolerations ?? [],
    priorityClassName: s.priorityClassName,
    affinity: s.affinity,
    spread: { selector, zones: s.spread.zones, hosts: s.spread.hosts },
  };
}

/** `<repository>:<version>`, pinned with `@<digest>` when one is given. */
export function imageOf(app: AppConfig, version: string, digest: string | undefined): string {
  return `${app.image}:${version}${digest ? `@${digest}` : ''}`;
}

/** Warnings for a version that names no fixed build. */
export function checkVersion(version: string, path: ConfigPath, issues: Issues): void {
  if (version.toLowerCase() === 'latest') {
    issues.warn(
      path,
      'version "latest" is a moving tag: a restarted pod may run another build than its colour was tested with, and the review cannot tell versions apart; release a fixed version (and pin its digest)',
    );
  }
}

export interface ExposureInput {
  readonly app: AppConfig;
  readonly path: ConfigPath;
  readonly labels: LabelScheme;
  readonly names: NameRegistry;
  readonly issues: Issues;
  readonly secrets: SecretRegistry;
  readonly component: string;
  /** Waves of the live and the preview Service (the routes change with them). */
  readonly waves: { readonly live: number; readonly preview: number };
  /** The preview Service, when one exists now. */
  readonly preview?: string;
}

interface Exposure {
  readonly ingresses: IngressModel[];
  readonly routes: HttpRouteModel[];
  readonly certificate?: CertificateModel;
}

/** One host that is routed to one Service: the live one, or the preview. */
interface RouteTarget {
  readonly name: string;
  readonly host: string;
  readonly service: string;
  readonly wave: number;
}

type ExposeConfig = NonNullable<AppConfig['expose']>;

/** The Ingresses or HTTPRoutes of the live Service and, with previewHost, the preview Service. */
export function exposureOf(input: ExposureInput): Exposure {
  const { app, path } = input;
  const e = app.expose;
  if (!e || !checkExposure(input, e)) return { ingresses: [], routes: [] };
  const targets: RouteTarget[] = [
    { name: app.name, host: e.host, service: app.name, wave: input.waves.live },
    ...(e.previewHost && input.preview
      ? [{ name: previewService(app.name), host: e.previewHost, service: input.preview, wave: input.waves.preview }]
      : []),
  ];
  const at = [...path, 'expose'];
  if (e.ingress) return ingressesOf(input, e, e.ingress, targets);
  const routes = targets.map((t) => {
    input.names.claim('HTTPRoute', t.name, at);
    return {
      meta: exposureMeta(input, t.name, t.wave),
      parentRefs: e.httpRoute!.parentRefs,
      hostnames: [t.host],
      path: e.path,
      service: { name: t.service, port: APP_SERVICE_PORT },
    };
  });
  return { ingresses: [], routes };
}

/** False when the exposure cannot be rendered; errors and warnings for what would publish too much. */
function checkExposure({ app, path, issues }: ExposureInput, e: ExposeConfig): boolean {
  const at = [...path, 'expose'];
  if ((app.managementPort ?? app.port) === app.port) {
    issues.error(
      [...at, 'host'],
      `the actuator endpoints (${app.metricsPath}, health, …) answer on the app port, which ${e.host} would publish: set managementPort (e.g. ${app.port + 1}) so that they stay inside the cluster (probes and Prometheus use it)`,
    );
  }
  if (!e.ingress === !e.httpRoute) {
    issues.error(at, `expected exactly one of ingress and httpRoute, got ${e.ingress ? 'both' : 'neither'}`);
    return false;
  }
  if (e.previewHost && app.release.strategy === 'rolling') {
    issues.warn([...at, 'previewHost'], 'a rolling app has no preview Service: previewHost is not used');
  }
  if (e.previewHost === e.host)
    issues.error([...at, 'previewHost'], 'expected another host than host: the preview must not take the live traffic');
  return true;
}

const exposureMeta = ({ app, labels, component }: ExposureInput, name: string, wave: number) => ({
  name,
  labels: labels.full(labels.stable(app.name, name, component)),
  wave,
});

/** The Ingresses of the targets, with their TLS Secret: from cert-manager (a Certificate) or the team's. */
function ingressesOf(
  input: ExposureInput,
  e: ExposeConfig,
  ing: NonNullable<ExposeConfig['ingress']>,
  targets: readonly RouteTarget[],
): Exposure {
  const { app, path, labels, names } = input;
  const at = [...path, 'expose'];
  const secretName = ing.tls ? (ing.tls.secretName ?? `${app.name}-tls`) : undefined;
  let certificate: CertificateModel | undefined;
  if (ing.tls?.issuer && secretName) {
    names.claim('Certificate', secretName, [...at, 'ingress', 'tls']);
    certificate = {
      // Last: an issuance that takes a while (ACME) must not hold up the app's own waves.
      meta: exposureMeta(input, secretName, input.waves.preview),
      secretName,
      secretLabels: labels.full(labels.stable(app.name, secretName, input.component)),
      dnsNames: [e.host, ...(e.previewHost ? [e.previewHost] : [])],
      issuer: ing.tls.issuer,
      duration: '2160h',
      renewBefore: '720h',
      algorithm: 'RSA',
      usages: CERTIFICATE_USAGES_RSA,
    };
  } else if (secretName) {
    input.secrets.add({ name: secretName, key: 'tls.crt' }, `${app.name} (Ingress TLS)`);
    input.secrets.add({ name: secretName, key: 'tls.key' }, `${app.name} (Ingress TLS)`);
  }
  const ingresses = targets.map((t) => {
    names.claim('Ingress', t.name, at);
    return {
      meta: exposureMeta(input, t.name, t.wave),
      host: t.host,
      path: e.path,
      className: ing.className,
      tlsSecretName: secretName,
      annotations: ing.annotations,
      service: { name: t.service, port: APP_SERVICE_PORT },
    };
  });
  return { ingresses, routes: [], certificate };
}

/** Floors of the autoscaler of a colour by phase; the rolling app is SERVING. */
export function autoscalerOf(
  app: AppConfig,
  deployment: string,
  phase: Phase,
  standbyReplicas: number,
  meta: { name: string; labels: Labels; wave: number },
): AutoscalerModel | undefined {
  const a = app.autoscaling;
  if (!a) return undefined;
  const min =
    phase === 'STANDING_BY'
      ? standbyReplicas
      : phase === 'INITIALISING'
        ? (a.initialisingMinReplicas ?? a.minReplicas)
        : a.minReplicas;
  return {
    meta,
    deployment,
    minReplicas: min,
    maxReplicas: Math.max(a.maxReplicas, min),
    cpu: a.cpuUtilization ?? (a.memoryUtilization === undefined ? 70 : undefined),
    memory: a.memoryUtilization,
  };
}

/**
 * Checks of autoscaling. The disruption budget (maxUnavailable 1) stays right whatever the floor:
 * it is relative, so an autoscaler that adds replicas never makes it block a drain.
 */
export function checkReplicas(app: AppConfig, path: ConfigPath, issues: Issues): void {
  const a = app.autoscaling;
  if (!a) return;
  if (a.maxReplicas < a.minReplicas)
    issues.error(
      [...path, 'autoscaling', 'maxReplicas'],
      `expected at least minReplicas (${a.minReplicas}), got ${a.maxReplicas}`,
    );
  if (app.release.strategy === 'blueGreen') {
    for (const c of ['blue', 'green'] as Color[]) {
      if (app.release.colors[c].replicas !== undefined)
        issues.warn(
          [...path, 'release', 'colors', c, 'replicas'],
          'not used: autoscaling owns the replicas (its floors: minReplicas, initialisingMinReplicas, release.standbyReplicas)',
        );
    }
  }
}
