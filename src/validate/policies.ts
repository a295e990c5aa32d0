/**
 * Policy checks over synthesized objects, beyond what the API schema says:
 *   - the Pod Security Standards "restricted" profile (Kubernetes 1.27), control by control;
 *   - secret hygiene: no token, password or licence material in any object.
 */

/** A problem found in one object. */
export interface PolicyProblem {
  readonly path: string;
  readonly message: string;
}

import {
  asArray,
  asNumber,
  asObject,
  asString,
  isObject,
  JsonObject,
  objectsOf,
  stringEntries,
  valueAt,
} from './json-view';

/** Where each kind keeps its pod template. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

const RESTRICTED_VOLUME_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

/** The pod spec of a workload object, with its path, or undefined for other kinds. */
export function podSpecOf(obj: unknown): { spec: JsonObject; path: string } | undefined {
  const segments = POD_SPEC_PATHS[asString(valueAt(obj, 'kind')) ?? ''];
  if (!segments) return undefined;
  const spec = valueAt(obj, ...segments);
  return isObject(spec) ? { spec, path: segments.join('.') } : undefined;
}

/** Every control of the restricted profile (which includes baseline) applied to one pod spec. */
export function checkRestricted(obj: unknown): PolicyProblem[] {
  const pod = podSpecOf(obj);
  if (!pod) return [];
  const { spec, path } = pod;
  const problems: PolicyProblem[] = [];
  const fail = (where: string, message: string) => problems.push({ path: where, message });
  const podSc = asObject(spec.securityContext);

  // baseline: host namespaces, HostProcess, sysctls, SELinux, AppArmor
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'])
    if (spec[field] === true) fail(`${path}.${field}`, 'host namespaces are not allowed');
  if (valueAt(podSc, 'windowsOptions', 'hostProcess') === true)
    fail(`${path}.securityContext.windowsOptions.hostProcess`, 'HostProcess pods are not allowed');
  for (const s of objectsOf(podSc.sysctls)) {
    const name = asString(s.name) ?? '';
    if (!SAFE_SYSCTLS.has(name)) fail(`${path}.securityContext.sysctls`, `sysctl ${name} is not in the safe set`);
  }
  checkSeLinux(podSc.seLinuxOptions, `${path}.securityContext.seLinuxOptions`, fail);
  for (const [key, value] of stringEntries(valueAt(obj, 'spec', 'template', 'metadata', 'annotations'))) {
    if (
      key.startsWith('container.apparmor.security.beta.kubernetes.io/') &&
      value !== 'runtime/default' &&
      !value.startsWith('localhost/')
    ) {
      fail(`metadata.annotations.${key}`, 'AppArmor profile must be runtime/default or localhost/*');
    }
  }
  // restricted: volume types
  objectsOf(spec.volumes).forEach((v, i) => {
    const type = Object.keys(v).find((k) => k !== 'name') ?? '(none)';
    if (!RESTRICTED_VOLUME_TYPES.has(type))
      fail(
        `${path}.volumes[${i}]`,
        `volume type ${type} is not allowed (hostPath and other node volumes are forbidden)`,
      );
  });
  // restricted: non-root and seccomp at pod level (may be overridden per container)
  if (podSc.runAsUser === 0) fail(`${path}.securityContext.runAsUser`, 'must not run as uid 0');
  const podSeccomp = asString(valueAt(podSc, 'seccompProfile', 'type'));
  if (podSeccomp !== undefined && podSeccomp !== 'RuntimeDefault' && podSeccomp !== 'Localhost') {
    fail(`${path}.securityContext.seccompProfile`, `seccomp profile ${podSeccomp} is not allowed`);
  }

  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    objectsOf(spec[list]).forEach((c, i) => {
      const where = `${path}.${list}[${i}]`;
      const sc = asObject(c.securityContext);
      if (sc.privileged === true) fail(`${where}.securityContext.privileged`, 'privileged containers are not allowed');
      if (valueAt(sc, 'windowsOptions', 'hostProcess') === true)
        fail(`${where}.securityContext.windowsOptions.hostProcess`, 'HostProcess containers are not allowed');
      if (sc.procMount !== undefined && sc.procMount !== 'Default')
        fail(`${where}.securityContext.procMount`, 'procMount must be Default');
      checkSeLinux(sc.seLinuxOptions, `${where}.securityContext.seLinuxOptions`, fail);
      for (const p of objectsOf(c.ports)) {
        const hostPort = asNumber(p.hostPort);
        if (hostPort) fail(`${where}.ports`, `host port ${hostPort} is not allowed`);
      }
      if (sc.allowPrivilegeEscalation !== false)
        fail(`${where}.securityContext.allowPrivilegeEscalation`, 'must be false');
      const drop = asArray(valueAt(sc, 'capabilities', 'drop'));
      if (!drop.includes('ALL')) fail(`${where}.securityContext.capabilities.drop`, 'must drop ALL');
      for (const cap of asArray(valueAt(sc, 'capabilities', 'add')))
        if (cap !== 'NET_BIND_SERVICE')
          fail(`${where}.securityContext.capabilities.add`, `capability ${String(cap)} may not be added`);
      const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
      if (nonRoot !== true) fail(`${where}.securityContext.runAsNonRoot`, 'must be true (in the container or the pod)');
      if (sc.runAsUser === 0) fail(`${where}.securityContext.runAsUser`, 'must not run as uid 0');
      const seccomp = asString(valueAt(sc, 'seccompProfile', 'type')) ?? podSeccomp;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
        fail(
          `${where}.securityContext.seccompProfile`,
          'must be RuntimeDefault or Localhost (in the container or the pod)',
        );
    });
  }
  return problems;
}

function checkSeLinux(value: unknown, where: string, fail: (where: string, message: string) => void): void {
  if (!isObject(value)) return;
  const type = asString(value.type) ?? '';
  if (!SELINUX_TYPES.has(type)) fail(`${where}.type`, `SELinux type ${type} is not allowed`);
  const options = value;
  if (options.user !== undefined || options.role !== undefined) fail(where, 'SELinux user and role may not be set');
}

const SECRET_NAME = /(password|passwd|secret|token|credential|licen[cs]e|private[-_.]?key|api[-_.]?key)/i;
const SECRET_TEXT = /(-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE|LICENSE)|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/;
/** A value that is a file path (where a secret is mounted), not the secret itself. */
const PATH_VALUE = /^\/[\w./-]*$/;

/** No Secret with data, no secret-looking keys or values in ConfigMaps, env or annotations. */
export function checkSecretHygiene(value: unknown): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const fail = (path: string, message: string) => problems.push({ path, message });
  const obj = asObject(value);
  if (obj.kind === 'Secret' && (obj.data || obj.stringData))
    fail('data', 'Secrets are created outside axon-deploy; none may be rendered with data');
  if (obj.kind === 'ConfigMap') {
    for (const [key, value] of stringEntries(obj.data)) {
      if (SECRET_NAME.test(key)) fail(`data.${key}`, 'a ConfigMap key names secret material');
      // Settings files are read as `key = value` / `key: value` lines; other files (scripts) only for key material.
      const settings = /\.(properties|ya?ml|conf|env|ini)$/.test(key);
      value.split('\n').forEach((line, i) => {
        const m = settings ? /^\s*([^#!=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(line) : null;
        if (m && SECRET_NAME.test(m[1]) && m[2] !== '' && !PATH_VALUE.test(m[2]) && !/^(true|false)$/.test(m[2])) {
          fail(`data.${key}`, `line ${i + 1} sets ${m[1].trim()} to a literal value`);
        }
        if (SECRET_TEXT.test(line))
          fail(`data.${key}`, `line ${i + 1} contains key, certificate, licence or token material`);
      });
    }
  }
  for (const [key, value] of stringEntries(valueAt(obj, 'metadata', 'annotations'))) {
    if (SECRET_TEXT.test(value)) fail(`metadata.annotations.${key}`, 'an annotation contains key or token material');
  }
  const pod = podSpecOf(obj);
  if (!pod) return problems;
  for (const list of ['initContainers', 'containers']) {
    objectsOf(pod.spec[list]).forEach((c, i) => {
      objectsOf(c.env).forEach((e, j) => {
        const name = asString(e.name) ?? '';
        const literal = asString(e.value);
        if (literal === undefined) return;
        if (SECRET_NAME.test(name) && literal !== '' && !PATH_VALUE.test(literal)) {
          fail(
            `${pod.path}.${list}[${i}].env[${j}]`,
            `${name} is set to a literal value: take it from a Secret (secretKeyRef)`,
          );
        }
        if (SECRET_TEXT.test(literal))
          fail(`${pod.path}.${list}[${i}].env[${j}]`, `${name} contains key or token material`);
      });
    });
  }
  return problems;
}
