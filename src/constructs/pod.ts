/**
 * Pod and container settings shared by Axon Server and the apps: the Pod Security Standards
 * "restricted" profile, probes, environment, resources.
 */
import * as k8s from '../../imports/k8s';
import type { EnvVar, HttpProbe, Probes, Resources } from '../model/types';

/** The non-root user and group of the Axon Server -nonroot images; the apps' default. */
export const NON_ROOT_ID = 1001;

/** restricted: non-root, RuntimeDefault seccomp; fsGroup so the user can write its volumes. */
export function podSecurityContext(user: number, group: number, withVolumes: boolean): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: group,
    fsGroup: withVolumes ? group : undefined,
    fsGroupChangePolicy: withVolumes ? 'OnRootMismatch' : undefined,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** restricted: no privilege escalation, every capability dropped, read-only root filesystem. */
export function containerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
  };
}

export function httpProbe(p: HttpProbe): k8s.Probe {
  return {
    httpGet: { path: p.path, port: k8s.IntOrString.fromString(p.port), scheme: 'HTTP' },
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
    successThreshold: p.successThreshold,
  };
}

export function containerProbes(p: Probes): Pick<k8s.Container, 'startupProbe' | 'livenessProbe' | 'readinessProbe'> {
  return { startupProbe: httpProbe(p.startup), livenessProbe: httpProbe(p.liveness), readinessProbe: httpProbe(p.readiness) };
}

export function envVars(env: readonly EnvVar[]): k8s.EnvVar[] {
  return env.map((e) => ('secret' in e
    ? { name: e.name, valueFrom: { secretKeyRef: { name: e.secret.name, key: e.secret.key } } }
    : { name: e.name, value: e.value }));
}

export function resources(r: Resources): k8s.ResourceRequirements {
  const q = (v: string) => k8s.Quantity.fromString(v);
  return {
    requests: { cpu: q(r.requests.cpu), memory: q(r.requests.memory) },
    limits: { ...(r.limits.cpu !== undefined ? { cpu: q(r.limits.cpu) } : {}), memory: q(r.limits.memory) },
  };
}

/**
 * A writable directory on a read-only root filesystem (e.g. /tmp for JVM temp files and Netty's
 * native libraries), bounded so a runaway writer is evicted rather than filling the node's disk.
 */
export function scratchVolume(name: string): k8s.Volume {
  return { name, emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } };
}
export const TMP_VOLUME: k8s.Volume = scratchVolume('tmp');
export const TMP_MOUNT: k8s.VolumeMount = { name: 'tmp', mountPath: '/tmp' };
