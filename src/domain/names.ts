/**
 * Object names axon-deploy gives, defined once as pure functions: what a builder claims is what
 * it writes, and what the review, the restore command and the runbooks name is the same.
 *
 * Names of stateful objects (StatefulSets, their claims, per-node Services) are a contract with a
 * running cluster and never change for a node.
 */
import { createHash } from 'node:crypto';
import { LABEL_COMPONENT, LABEL_NAME } from './keys';

/** The name label of every Axon Server object, and the name of the cluster-wide ones. */
export const AXON_SERVER = 'axonserver';
/** The `app.kubernetes.io/component` of the nodes (their pods, StatefulSets and claims). */
export const NODE_COMPONENT = 'axon-server';
/** A label selector of the node pods, StatefulSets and claims (and nothing else: not the Jobs). */
export const NODE_SELECTOR = `${LABEL_NAME}=${AXON_SERVER},${LABEL_COMPONENT}=${NODE_COMPONENT}`;
/** The client gRPC Service (nodes that serve clients). */
export const CLIENT_SERVICE = 'axonserver-grpc';
/** The UI and REST API Service (`_admin` nodes). */
export const UI_SERVICE = 'axonserver-ui';
/** The cluster template ConfigMap, updated in place. */
export const CLUSTER_TEMPLATE_CONFIG_MAP = 'axonserver-cluster-template';
/** The configuration revisions: `axonserver-config-<hash>`. */
export const CONFIG_REVISION_PREFIX = 'axonserver-config';

/** Kubernetes' cluster DNS suffix of Services. */
const CLUSTER_DOMAIN = 'svc.cluster.local';

/** The DNS domain of an environment's Services: `<namespace>.svc.cluster.local`. */
export const serviceDomain = (namespace: string): string => `${namespace}.${CLUSTER_DOMAIN}`;

/** A Service's fully qualified name: `<service>.<namespace>.svc.cluster.local`. */
export const serviceFqdn = (service: string, namespace: string): string => `${service}.${serviceDomain(namespace)}`;

/**
 * The claim a StatefulSet creates for a volume claim template: `<template>-<statefulset>-<ordinal>`
 * (Kubernetes' naming; every node is a singleton StatefulSet, ordinal 0).
 */
export const claimName = (volume: string, node: string): string => `${volume}-${node}-0`;

/** The pod of a node's singleton StatefulSet. */
export const nodePodName = (node: string): string => `${node}-0`;

/** sha256 over file names and contents (what a content-named object is named after). */
export function checksumOf(files: readonly (readonly [string, string])[]): string {
  const hash = createHash('sha256');
  for (const [name, content] of files) hash.update(`${name}\0${content}\0`);
  return hash.digest('hex');
}

/** Hex digits of the content hash in a revision's name. */
const REVISION_DIGITS = 10;

/** A content-named revision: `<prefix>-<first 10 hex digits of the checksum>`. */
export const revisionName = (prefix: string, checksum: string): string =>
  `${prefix}-${checksum.slice(0, REVISION_DIGITS)}`;

/** The prefix of a content-named revision's name, or undefined when the name is not one. */
export const revisionPrefixOf = (name: string): string | undefined =>
  new RegExp(`^(.+)-[0-9a-f]{${REVISION_DIGITS}}$`).exec(name)?.[1];

/** A colour's Deployment: `<app>-<colour>`. */
export const colorDeployment = (app: string, color: string): string => `${app}-${color}`;

/** The Service of the colour being prepared: `<app>-preview`. */
export const previewService = (app: string): string => `${app}-preview`;

/** The release files of a blue/green app (effective phases, the live colour): `<app>-release`. */
export const releaseConfigMap = (app: string): string => `${app}-release`;
