/**
 * Typed views of the Kubernetes objects tests read: the synthesized objects, dist/'s YAML and
 * what a kube-apiserver returns. The field types come from the generated interfaces of imports/
 * (the Kubernetes and CRD schemas) and from the controller's own API (src/controller/api.ts),
 * turned into plain JSON by `Plain`; the kind of an object says which view it has.
 *
 * Everything the schemas leave optional stays optional: a test that relies on a field being there
 * says so with `defined` (or reaches it with `?.` where the expectation is a value anyway).
 */
import { parse, parseAllDocuments } from 'yaml';
import type * as k8s from '../../imports/k8s';
import type { ApplicationSpec } from '../../imports/argocd-application-argoproj.io';
import type { AppProjectSpec } from '../../imports/argocd-appproject-argoproj.io';
import type { CertificateSpec } from '../../imports/certificate-cert-manager.io';
import type { HttpRouteSpec } from '../../imports/httproute-gateway.networking.k8s.io';
import type { PodMonitorSpec } from '../../imports/podmonitor-monitoring.coreos.com';
import type { VolumeSnapshotSpec } from '../../imports/volumesnapshot-snapshot.storage.k8s.io';
import type { AppReleaseSpec, AppReleaseStatus, NodeRolloutSpec, NodeRolloutStatus } from '../../src/controller/api';
import type { KubeObject } from '../../src/synth/render';

/** The generated wrapper classes (Quantity, IntOrString and the like): a string or a number in JSON. */
interface Wrapper {
  readonly value: string | number;
}

/** A generated interface as the JSON of a manifest: wrapper classes become their value, arrays and fields stay. */
export type Plain<T> = T extends Wrapper
  ? Wrapper extends T
    ? string | number
    : PlainObject<T>
  : T extends readonly (infer U)[]
    ? Plain<U>[]
    : T extends object
      ? PlainObject<T>
      : T;
type PlainObject<T> = { -readonly [K in keyof T as JsonKey<K>]: Plain<T[K]> };

/**
 * The fields the generator renamed (the JSON key on the right; the generated interfaces use the
 * camel case on the left): listed from the toJson_ functions of imports/, without `$ref` and
 * `$schema` of JSONSchemaProps (a plain `schema` is a field of its own elsewhere).
 */
interface RenamedKeys {
  clientIp: 'clientIP';
  clusterIp: 'clusterIP';
  convertClassicHistogramsToNhcb: 'convertClassicHistogramsToNHCB';
  datasetUuid: 'datasetUUID';
  diskUri: 'diskURI';
  downwardApi: 'downwardAPI';
  externalId: 'externalID';
  hostIp: 'hostIP';
  hostIpc: 'hostIPC';
  hostPid: 'hostPID';
  insecureSkipTlsVerify: 'insecureSkipTLSVerify';
  isCa: 'isCA';
  keyId: 'keyID';
  loadBalancerIp: 'loadBalancerIP';
  nodeId: 'nodeID';
  nonResourceUrLs: 'nonResourceURLs';
  openApiv3Schema: 'openAPIV3Schema';
  pdId: 'pdID';
  podCidr: 'podCIDR';
  podCidRs: 'podCIDRs';
  providerId: 'providerID';
  repoUrl: 'repoURL';
  scaleIo: 'scaleIO';
  setHostnameAsFqdn: 'setHostnameAsFQDN';
  storagePolicyId: 'storagePolicyID';
  targetCpuUtilizationPercentage: 'targetCPUUtilizationPercentage';
  targetWwNs: 'targetWWNs';
  volumeId: 'volumeID';
  xKubernetesEmbeddedResource: 'x-kubernetes-embedded-resource';
  xKubernetesIntOrString: 'x-kubernetes-int-or-string';
  xKubernetesListMapKeys: 'x-kubernetes-list-map-keys';
  xKubernetesListType: 'x-kubernetes-list-type';
  xKubernetesMapType: 'x-kubernetes-map-type';
  xKubernetesPreserveUnknownFields: 'x-kubernetes-preserve-unknown-fields';
  xKubernetesValidations: 'x-kubernetes-validations';
}
type JsonKey<K> = K extends keyof RenamedKeys ? RenamedKeys[K] : K;

export type ObjectMeta = Plain<k8s.ObjectMeta>;
export type PodSpec = Plain<k8s.PodSpec>;
export type Container = Plain<k8s.Container>;
export type EnvVarSource = Plain<k8s.EnvVarSource>;

/** A pod template as the API accepts it in a workload: with its metadata (the selector's labels) and spec. */
export interface PodTemplate {
  metadata: ObjectMeta;
  spec: PodSpec;
}
type Templated<S> = Omit<S, 'template'> & { template: PodTemplate };
export type JobSpec = Templated<Plain<k8s.JobSpec>>;

/** What each kind holds besides apiVersion, kind and metadata. */
interface KindFields {
  StatefulSet: {
    spec: Omit<Templated<Plain<k8s.StatefulSetSpec>>, 'volumeClaimTemplates'> & {
      /** Rendered with apiVersion and kind, like the objects they become. */
      volumeClaimTemplates?: (Plain<k8s.KubePersistentVolumeClaimProps> & { apiVersion?: string; kind?: string })[];
    };
  };
  Deployment: { spec: Templated<Plain<k8s.DeploymentSpec>> };
  Job: { spec: JobSpec };
  CronJob: {
    spec: Omit<Plain<k8s.CronJobSpec>, 'jobTemplate'> & { jobTemplate: { metadata?: ObjectMeta; spec: JobSpec } };
  };
  Service: { spec: Plain<k8s.ServiceSpec> };
  ConfigMap: { data?: Record<string, string> };
  Secret: { data?: Record<string, string> };
  ServiceAccount: { automountServiceAccountToken?: boolean };
  Role: { rules?: Plain<k8s.PolicyRule>[] };
  RoleBinding: { roleRef: Plain<k8s.RoleRef>; subjects?: Plain<k8s.Subject>[] };
  StorageClass: Omit<Plain<k8s.KubeStorageClassProps>, 'metadata'>;
  PersistentVolumeClaim: { spec: Plain<k8s.PersistentVolumeClaimSpec> };
  Ingress: { spec: Plain<k8s.IngressSpec> };
  NetworkPolicy: { spec: Plain<k8s.NetworkPolicySpec> };
  PodDisruptionBudget: { spec: Plain<k8s.PodDisruptionBudgetSpec> };
  HorizontalPodAutoscaler: { spec: Plain<k8s.HorizontalPodAutoscalerSpecV2> };
  Certificate: { spec: Plain<CertificateSpec> };
  HTTPRoute: { spec: Plain<HttpRouteSpec> };
  PodMonitor: { spec: Plain<PodMonitorSpec> };
  VolumeSnapshot: {
    spec: Plain<VolumeSnapshotSpec>;
    status?: { readyToUse?: boolean; error?: { message?: string } };
  };
  Application: { spec: Plain<ApplicationSpec> };
  AppProject: { spec: Plain<AppProjectSpec> };
  NodeRollout: { spec: NodeRolloutSpec; status?: NodeRolloutStatus };
  AppRelease: { spec: AppReleaseSpec; status?: AppReleaseStatus };
  CustomResourceDefinition: { spec: Plain<k8s.CustomResourceDefinitionSpec> };
}
export type Kind = keyof KindFields;

/** An object of kind `K`, as JSON (mutable: tests edit copies of them). */
export type Manifest<K extends Kind> = {
  [key: string]: unknown;
  apiVersion: string;
  kind: K;
  metadata: ObjectMeta & { name: string };
} & KindFields[K];

/** Whether `o` is of kind `kind` (and so has that kind's fields). */
export function isKind<K extends Kind>(o: KubeObject, kind: K): o is KubeObject & Manifest<K> {
  return o.kind === kind;
}

/** `o` as an object of kind `kind`; fails the test when it is of another kind. */
export function asKind<K extends Kind>(o: KubeObject, kind: K): Manifest<K> {
  if (!isKind(o, kind)) throw new Error(`expected a ${kind}, got ${o.kind}/${o.metadata.name}`);
  return o;
}

/** `value`, failing the test when it is undefined or null. */
export function defined<T>(value: T | null | undefined, what = 'a value'): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}, got ${String(value)}`);
  return value;
}

/** The object of this kind and name; fails the test when there is none (or more than one). */
export function find<K extends Kind>(objects: readonly KubeObject[], kind: K, name: string): Manifest<K> {
  const found = ofKind(objects, kind).filter((o) => o.metadata.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${kind} ${name}, found ${found.length}; have: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
    );
  }
  return found[0];
}

export const has = (objects: readonly KubeObject[], kind: string, name: string) =>
  objects.some((o) => o.kind === kind && o.metadata.name === name);

export const ofKind = <K extends Kind>(objects: readonly KubeObject[], kind: K): Manifest<K>[] =>
  objects.filter((o) => isKind(o, kind));

/** The object under `kind/name` in a map keyed like the review's snapshots; fails the test when there is none. */
export function keyed<K extends Kind>(objects: ReadonlyMap<string, KubeObject>, kind: K, name: string): Manifest<K> {
  const o = objects.get(`${kind}/${name}`);
  if (!o || !isKind(o, kind)) throw new Error(`expected ${kind}/${name}, found ${o ? o.kind : 'nothing'}`);
  return o;
}

/** The first container (or the `index`th) of a workload's pod template. */
export const container = (workload: { spec: { template: { spec: PodSpec } } }, index = 0): Container =>
  workload.spec.template.spec.containers[index];

/** The volume of a pod named `name`; fails the test when there is none. */
export const volumeOf = (pod: PodSpec, name: string): Plain<k8s.Volume> =>
  defined(
    pod.volumes?.find((v) => v.name === name),
    `volume ${name}`,
  );

/** A container's variables by name: the value, or where it comes from. */
export const envOf = (c: { env?: Plain<k8s.EnvVar>[] }): Record<string, string | EnvVarSource | undefined> =>
  Object.fromEntries(defined(c.env, 'a container with env').map((e) => [e.name, e.value ?? e.valueFrom]));

/** The value at `path` in untyped data (`undefined` where a step is missing or not an object). */
export function at(value: unknown, ...path: string[]): unknown {
  let here = value;
  for (const key of path) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}

/** A Job spec held as untyped data (an AppRelease's cleanup Job); fails the test when it has no pod template. */
export function jobSpecOf(value: unknown): JobSpec {
  if (!Array.isArray(at(value, 'template', 'spec', 'containers')))
    throw new Error(`expected a Job spec, got ${JSON.stringify(value)}`);
  return value as JobSpec;
}

/** A string value (a variable's literal, say); fails the test for anything else. */
export function stringOf(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`expected a string, got ${JSON.stringify(value)}`);
  return value;
}

/** Whether a parsed document is a Kubernetes object (apiVersion, kind and a named metadata). */
export function isKubeObject(value: unknown): value is KubeObject {
  return (
    typeof at(value, 'apiVersion') === 'string' &&
    typeof at(value, 'kind') === 'string' &&
    typeof at(value, 'metadata', 'name') === 'string'
  );
}

/** The Kubernetes objects of a YAML stream (dist/ files, kubectl output); fails the test on anything else. */
export function yamlObjects(yamlText: string): KubeObject[] {
  return parseAllDocuments(yamlText).map((d, i) => {
    const value: unknown = d.toJS();
    if (!isKubeObject(value)) throw new Error(`document ${i + 1} is not a Kubernetes object`);
    return value;
  });
}

/** The Kubernetes objects of a JSON list (`kubectl get -o json`); fails the test on anything else. */
export function jsonListItems(jsonText: string): KubeObject[] {
  const items = at(JSON.parse(jsonText), 'items');
  if (!Array.isArray(items)) throw new Error('expected a list with items');
  return items.map((item: unknown, i) => {
    if (!isKubeObject(item)) throw new Error(`item ${i + 1} is not a Kubernetes object`);
    return item;
  });
}

/** One Kubernetes object of kind `kind` from JSON (`kubectl get <kind> <name> -o json`). */
export function jsonObject<K extends Kind>(jsonText: string, kind: K): Manifest<K> {
  const value: unknown = JSON.parse(jsonText);
  if (!isKubeObject(value) || !isKind(value, kind)) throw new Error(`expected a ${kind}`);
  return value;
}

/** Sets `key` of `target` to `value`, whatever its type allows: an object broken on purpose. */
export function setUnchecked(target: object, key: string, value: unknown): void {
  Reflect.set(target, key, value);
}

/** Removes `key` of `target`, required or not: an object broken on purpose. */
export function removeUnchecked(target: object, key: string): void {
  Reflect.deleteProperty(target, key);
}

/** A deep copy through JSON (what a file round trip would leave of `value`). */
export const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** YAML text parsed as the shape the test expects (a different shape fails its assertions). */
export const parseYaml = <T>(yamlText: string): T => parse(yamlText) as T;

/** JSON text parsed as the shape the test expects (a different shape fails its assertions). */
export const parseJson = <T>(jsonText: string): T => JSON.parse(jsonText) as T;
