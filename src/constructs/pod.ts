/**
 * Pod templates from the model. Every pod gets the Pod Security Standards "restricted" profile:
 * non-root, RuntimeDefault seccomp, no privilege escalation, every capability dropped, a
 * read-only root filesystem, no service-account token (unless the pod calls the Kubernetes API),
 * no service links.
 */
import * as k8s from '../../imports/k8s';
import { NODE_HOST_LABEL, NODE_ZONE_LABEL } from '../domain/keys';
import type {
  ContainerModel,
  EnvVar,
  HttpProbe,
  PodModel,
  PodVolume,
  Probes,
  Resources,
  SchedulingModel,
} from '../model/types';

export function podTemplate(pod: PodModel): k8s.PodTemplateSpec {
  return {
    metadata: {
      labels: { ...pod.labels },
      annotations: Object.keys(pod.annotations).length > 0 ? { ...pod.annotations } : undefined,
    },
    spec: podSpec(pod),
  };
}

export function podSpec(pod: PodModel): k8s.PodSpec {
  const { runAsUser, runAsGroup, fsGroup } = pod.user;
  return {
    // Only a pod that calls the Kubernetes API gets a token, of its own least-privilege account.
    serviceAccountName: pod.serviceAccount,
    automountServiceAccountToken: pod.serviceAccount !== undefined,
    enableServiceLinks: false,
    restartPolicy: pod.restartPolicy,
    terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
    securityContext: {
      runAsNonRoot: true,
      runAsUser,
      runAsGroup,
      // fsGroup lets the user write to its persistent volumes; OnRootMismatch skips the
      // recursive chown of a large event store on every start.
      fsGroup,
      fsGroupChangePolicy: fsGroup !== undefined ? 'OnRootMismatch' : undefined,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    imagePullSecrets: pod.imagePullSecrets.length > 0 ? pod.imagePullSecrets.map((name) => ({ name })) : undefined,
    ...scheduling(pod.scheduling),
    initContainers: pod.initContainers && pod.initContainers.length > 0 ? pod.initContainers.map(container) : undefined,
    containers: pod.containers.map(container),
    schedulingGates: pod.schedulingGates?.map((name) => ({ name })),
    readinessGates: pod.readinessGates?.map((conditionType) => ({ conditionType })),
    volumes: pod.volumes.length > 0 ? pod.volumes.map(volume) : undefined,
  };
}

function container(c: ContainerModel): k8s.Container {
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    command: c.command ? [...c.command] : undefined,
    args: c.args ? [...c.args] : undefined,
    ports:
      c.ports.length > 0
        ? c.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' }))
        : undefined,
    env: c.env.length > 0 ? envVars(c.env) : undefined,
    envFrom:
      c.envFrom && c.envFrom.length > 0
        ? c.envFrom.map((e) =>
            e.kind === 'secret'
              ? { secretRef: { name: e.name }, prefix: e.prefix }
              : { configMapRef: { name: e.name }, prefix: e.prefix },
          )
        : undefined,
    resources: resources(c.resources),
    ...(c.probes ? containerProbes(c.probes) : {}),
    // Keep serving while Services and load balancers stop routing to this pod; then SIGTERM
    // starts the app's graceful shutdown, which finishes in-flight requests.
    lifecycle: c.preStopSleepSeconds
      ? { preStop: { exec: { command: ['sleep', String(c.preStopSleepSeconds)] } } }
      : undefined,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    },
    volumeMounts:
      c.mounts.length > 0
        ? c.mounts.map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: m.readOnly }))
        : undefined,
  };
}

function volume(v: PodVolume): k8s.Volume {
  switch (v.kind) {
    case 'emptyDir':
      return { name: v.name, emptyDir: { sizeLimit: k8s.Quantity.fromString(v.sizeLimit) } };
    case 'configMap':
      return {
        name: v.name,
        configMap: {
          name: v.configMap,
          items: v.items ? v.items.map((i) => ({ key: i.key, path: i.path })) : undefined,
          defaultMode: v.defaultMode,
          optional: v.optional,
        },
      };
    case 'secret':
      return {
        name: v.name,
        secret: {
          secretName: v.secretName,
          items: v.items ? v.items.map((i) => ({ key: i.key, path: i.path })) : undefined,
          defaultMode: v.defaultMode,
        },
      };
    case 'persistentVolumeClaim':
      return { name: v.name, persistentVolumeClaim: { claimName: v.claimName, readOnly: v.readOnly } };
  }
}

function scheduling(
  s: SchedulingModel | undefined,
): Pick<k8s.PodSpec, 'nodeSelector' | 'tolerations' | 'priorityClassName' | 'affinity' | 'topologySpreadConstraints'> {
  if (!s) return {};
  const anti = s.antiAffinity;
  const user = s.affinity;
  const term: k8s.PodAffinityTerm | undefined = anti
    ? { labelSelector: { matchLabels: { ...anti.selector } }, topologyKey: NODE_HOST_LABEL }
    : undefined;
  const affinity: k8s.Affinity = {
    nodeAffinity: nodeAffinity(s.zone, user?.nodeAffinity),
    podAffinity: user?.podAffinity,
    podAntiAffinity: podAntiAffinity(anti?.required, term, user?.podAntiAffinity),
  };
  return {
    nodeSelector: Object.keys(s.nodeSelector).length > 0 ? { ...s.nodeSelector } : undefined,
    tolerations: s.tolerations.length > 0 ? s.tolerations.map((t) => ({ ...t })) : undefined,
    priorityClassName: s.priorityClassName,
    affinity: affinity.nodeAffinity || affinity.podAffinity || affinity.podAntiAffinity ? affinity : undefined,
    topologySpreadConstraints: spread(s.spread),
  };
}

/** The zone requirement ANDed into every required term of the user's node affinity (terms are ORed). */
function nodeAffinity(
  zone: string | undefined,
  user: NonNullable<SchedulingModel['affinity']>['nodeAffinity'],
): k8s.NodeAffinity | undefined {
  const zoneExpression = zone === undefined ? undefined : { key: NODE_ZONE_LABEL, operator: 'In', values: [zone] };
  const userTerms = user?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const terms = userTerms
    ? userTerms.map((t) => ({
        matchExpressions: [...(zoneExpression ? [zoneExpression] : []), ...t.matchExpressions.map((e) => ({ ...e }))],
      }))
    : zoneExpression
      ? [{ matchExpressions: [zoneExpression] }]
      : undefined;
  const preferred = user?.preferredDuringSchedulingIgnoredDuringExecution;
  if (!terms && !preferred) return undefined;
  return {
    requiredDuringSchedulingIgnoredDuringExecution: terms ? { nodeSelectorTerms: terms } : undefined,
    preferredDuringSchedulingIgnoredDuringExecution: preferred as k8s.PreferredSchedulingTerm[] | undefined,
  };
}

/** The anti-affinity between Axon Server nodes, beside the user's own terms. */
function podAntiAffinity(
  required: boolean | undefined,
  term: k8s.PodAffinityTerm | undefined,
  user: k8s.PodAntiAffinity | undefined,
): k8s.PodAntiAffinity | undefined {
  if (!term) return user;
  const own: k8s.PodAntiAffinity = required
    ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
    : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] };
  if (!user) return own;
  return {
    requiredDuringSchedulingIgnoredDuringExecution: [
      ...(own.requiredDuringSchedulingIgnoredDuringExecution ?? []),
      ...(user.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ],
    preferredDuringSchedulingIgnoredDuringExecution: [
      ...(own.preferredDuringSchedulingIgnoredDuringExecution ?? []),
      ...(user.preferredDuringSchedulingIgnoredDuringExecution ?? []),
    ],
  };
}

/**
 * Pods of one colour spread over zones and hosts, counted per ReplicaSet revision
 * (matchLabelKeys: pod-template-hash, on by default since Kubernetes 1.27), so a rolling update
 * does not skew against the pods it replaces.
 */
function spread(s: SchedulingModel['spread']): k8s.TopologySpreadConstraint[] | undefined {
  if (!s) return undefined;
  const constraints = (
    [
      [NODE_ZONE_LABEL, s.zones],
      [NODE_HOST_LABEL, s.hosts],
    ] as const
  )
    .filter(([, mode]) => mode !== 'off')
    .map(([topologyKey, mode]): k8s.TopologySpreadConstraint => ({
      maxSkew: 1,
      topologyKey,
      whenUnsatisfiable: mode === 'required' ? 'DoNotSchedule' : 'ScheduleAnyway',
      labelSelector: { matchLabels: { ...s.selector } },
      matchLabelKeys: ['pod-template-hash'],
    }));
  return constraints.length > 0 ? constraints : undefined;
}

export function httpProbe(p: HttpProbe): k8s.Probe {
  return {
    httpGet: { path: p.path, port: k8s.IntOrString.fromString(p.port), scheme: p.scheme },
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
    successThreshold: p.successThreshold,
  };
}

function containerProbes(p: Probes): Pick<k8s.Container, 'startupProbe' | 'livenessProbe' | 'readinessProbe'> {
  return {
    startupProbe: httpProbe(p.startup),
    livenessProbe: httpProbe(p.liveness),
    readinessProbe: httpProbe(p.readiness),
  };
}

function envVars(env: readonly EnvVar[]): k8s.EnvVar[] {
  return env.map((e) =>
    'secret' in e
      ? { name: e.name, valueFrom: { secretKeyRef: { name: e.secret.name, key: e.secret.key } } }
      : { name: e.name, value: e.value },
  );
}

function resources(r: Resources): k8s.ResourceRequirements {
  const q = (v: string) => k8s.Quantity.fromString(v);
  return {
    requests: { cpu: q(r.requests.cpu), memory: q(r.requests.memory) },
    limits: { ...(r.limits.cpu !== undefined ? { cpu: q(r.limits.cpu) } : {}), memory: q(r.limits.memory) },
  };
}
