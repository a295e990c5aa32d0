/**
 * TLS end to end for Axon Server, decided once: the Secret each node reads its certificate from
 * (`<node>-tls`, written by a cert-manager Certificate or provided), the properties that switch
 * client gRPC, node-to-node gRPC and HTTP to TLS, and what clients (apps, Jobs, Prometheus) trust.
 *
 * Axon Server facts (AxonIQ reference guide, "SSL"; SslConfiguration): `axoniq.axonserver.ssl.*`
 * takes PEM files and the private key must be PKCS#8 (`BEGIN PRIVATE KEY`); `ssl.enabled` switches
 * the client port and the traffic between nodes together; the internal connections trust
 * `ssl.internal-trust-manager-file`; certificate files are re-read about once a minute (2023.2 and
 * later), so the Secret is mounted as a directory (never with subPath, which Kubernetes does not
 * update). HTTP (8024) is Spring Boot's `server.ssl.*` with a PKCS12 keystore, as AxonIQ documents
 * it. Since 2023.2 Axon Server re-reads its certificates at runtime ("TLS Certificate and Key
 * Replacement at Runtime", reference guide release notes 2023.2; the keystore too, per
 * ../shared/AXON-SERVER-FACTS.md): a renewal needs no restart.
 */
import type { AxonServerConfig } from '../config/schema';
import { AXON_PATHS } from './axon-config';
import type { Issues } from './issues';
import type { SecretRegistry } from './secrets';
import type {
  AxonServerClientTls,
  CaBundleRef,
  CertificateModel,
  EnvVar,
  Labels,
  ObjectMeta,
  PodVolume,
  VolumeMount,
} from './types';

/** cert-manager usages of a server certificate with an RSA key (ECDSA keys have no key encipherment). */
export const CERTIFICATE_USAGES_RSA: readonly string[] = ['server auth', 'digital signature', 'key encipherment'];

/** The Secret a node reads its certificate, key, CA and keystore from. */
export const tlsSecretOf = (node: string): string => `${node}-tls`;

/** Files in a node's TLS Secret (cert-manager's names for kubernetes.io/tls Secrets and keystores). */
const TLS_FILES = { cert: 'tls.crt', key: 'tls.key', ca: 'ca.crt', keystore: 'keystore.p12' } as const;
/** The CA bundle, as clients and nodes mount it. */
export const CA_FILE = 'ca.crt';
/** Where an app or a Job finds the CA bundle. */
export const CLIENT_CA_DIR = '/etc/axon-deploy/axonserver-ca';

export interface TlsInput {
  readonly config: AxonServerConfig;
  readonly namespace: string;
  readonly firstNode: string;
  /** The client-facing Services every node's certificate also names. */
  readonly serviceNames: readonly string[];
  readonly issues: Issues;
  readonly secrets: SecretRegistry;
}

/** What TLS adds to the cluster: the client view, and per node what its pod mounts. */
export interface ClusterTls {
  readonly client: AxonServerClientTls;
  readonly properties: readonly (readonly [string, string])[];
  /** The pod volumes, mounts and variables of one node. */
  nodePod(node: string): {
    readonly volumes: readonly PodVolume[];
    readonly mounts: readonly VolumeMount[];
    readonly env: readonly EnvVar[];
  };
  /** The Certificate of a node (cert-manager), or undefined when the Secrets are provided. */
  certificate(node: string, meta: (name: string) => ObjectMeta, secretLabels: Labels): CertificateModel | undefined;
}

const at = (...path: (string | number)[]) => ['axonServer', 'tls', ...path];

export function clusterTls(input: TlsInput): ClusterTls | undefined {
  const { config, namespace, issues, secrets } = input;
  const tls = config.tls;
  if (!tls.enabled) {
    if (tls.certManager || tls.keystorePasswordSecret || tls.caBundle)
      issues.warn(at('enabled'), 'TLS settings are not used while tls.enabled is false');
    return undefined;
  }
  const http = tls.http;
  const password = tls.keystorePasswordSecret
    ? { name: tls.keystorePasswordSecret.name, key: tls.keystorePasswordSecret.key }
    : undefined;
  if (http && !password) {
    issues.error(
      at('keystorePasswordSecret'),
      'required when tls.http is on: HTTPS on 8024 reads a PKCS12 keystore, which needs a password (cert-manager encrypts keystore.p12 with it; reference a Secret with { name, key })',
    );
  }
  if (!http && password) issues.warn(at('keystorePasswordSecret'), 'not used while tls.http is false');
  if (password) secrets.add(password, 'the Axon Server HTTPS keystore');
  const ca: CaBundleRef = tls.caBundle ?? { kind: 'Secret', name: tlsSecretOf(input.firstNode), key: CA_FILE };
  if (tls.caBundle?.kind === 'Secret')
    secrets.add({ name: tls.caBundle.name, key: tls.caBundle.key }, "the CA Axon Server's clients trust");
  if (!tls.certManager) {
    for (const node of config.nodes) {
      for (const file of [
        TLS_FILES.cert,
        TLS_FILES.key,
        ...(tls.caBundle ? [] : [TLS_FILES.ca]),
        ...(http ? [TLS_FILES.keystore] : []),
      ]) {
        secrets.add({ name: tlsSecretOf(node.name), key: file }, `${node.name} (TLS)`);
      }
    }
  }

  const tlsDir = AXON_PATHS.tls;
  const caDir = AXON_PATHS.ca;
  // The nodes trust the CA bundle when one is given, else the CA in their own Secret.
  const trust = tls.caBundle ? `${caDir}/${CA_FILE}` : `${tlsDir}/${TLS_FILES.ca}`;
  const properties: [string, string][] = [
    ['axoniq.axonserver.ssl.enabled', 'true'],
    ['axoniq.axonserver.ssl.cert-chain-file', `${tlsDir}/${TLS_FILES.cert}`],
    ['axoniq.axonserver.ssl.private-key-file', `${tlsDir}/${TLS_FILES.key}`],
    ['axoniq.axonserver.ssl.internal-trust-manager-file', trust],
    ...(http
      ? ([
          ['server.ssl.enabled', 'true'],
          // A file: URL, not a class-path resource.
          ['server.ssl.key-store', `file:${tlsDir}/${TLS_FILES.keystore}`],
          ['server.ssl.key-store-type', 'PKCS12'],
          // The actuator's own port (domain/ports.ts) does not inherit server.ssl: the same keystore.
          ['management.server.ssl.enabled', 'true'],
          ['management.server.ssl.key-store', `file:${tlsDir}/${TLS_FILES.keystore}`],
          ['management.server.ssl.key-store-type', 'PKCS12'],
        ] as [string, string][])
      : []),
  ];
  // The node's own names (peers and redirected clients use the FQDN) and the Services' names.
  const dnsNamesOf = (node: string) =>
    [node, ...input.serviceNames].flatMap((n) => [
      n,
      `${n}.${namespace}`,
      `${n}.${namespace}.svc`,
      `${n}.${namespace}.svc.cluster.local`,
    ]);

  return {
    client: { ca, http },
    properties,
    nodePod(node) {
      return {
        volumes: [
          // The whole Secret as a directory: Kubernetes replaces the files on renewal, and
          // Axon Server re-reads the certificate files when they change.
          { kind: 'secret', name: 'tls', secretName: tlsSecretOf(node), defaultMode: 0o440 },
          ...(tls.caBundle ? [caVolume('ca', tls.caBundle)] : []),
        ],
        mounts: [
          { name: 'tls', mountPath: tlsDir, readOnly: true },
          ...(tls.caBundle ? [{ name: 'ca', mountPath: caDir, readOnly: true }] : []),
        ],
        // Spring Boot reads server.ssl.key-store-password (and the management port's) from these
        // variables (relaxed binding).
        env:
          http && password
            ? [
                { name: 'SERVER_SSL_KEY_STORE_PASSWORD', secret: password },
                { name: 'MANAGEMENT_SERVER_SSL_KEY_STORE_PASSWORD', secret: password },
              ]
            : [],
      };
    },
    certificate(node, meta, secretLabels) {
      const cm = tls.certManager;
      if (!cm) return undefined;
      return {
        meta: meta(tlsSecretOf(node)),
        secretName: tlsSecretOf(node),
        secretLabels,
        dnsNames: dnsNamesOf(node),
        issuer: { kind: cm.issuer.kind, name: cm.issuer.name, group: cm.issuer.group },
        duration: cm.duration,
        renewBefore: cm.renewBefore,
        algorithm: cm.algorithm,
        // Nodes are servers to clients and peers, and clients of their peers.
        usages: [
          'server auth',
          'client auth',
          'digital signature',
          ...(cm.algorithm === 'RSA' ? ['key encipherment'] : []),
        ],
        keystorePassword: http ? password : undefined,
      };
    },
  };
}

/** A volume with the CA bundle as the file ca.crt (only that key of a Secret is mounted). */
export function caVolume(name: string, ca: CaBundleRef): PodVolume {
  const items = [{ key: ca.key, path: CA_FILE }];
  return ca.kind === 'Secret'
    ? { kind: 'secret', name, secretName: ca.name, items, defaultMode: 0o444 }
    : { kind: 'configMap', name, configMap: ca.name, items, defaultMode: 0o444 };
}

/** What an app or a Job adds to reach Axon Server over TLS: the CA mounted at CLIENT_CA_DIR. */
export function clientCaMount(tls: AxonServerClientTls | undefined): { volumes: PodVolume[]; mounts: VolumeMount[] } {
  if (!tls) return { volumes: [], mounts: [] };
  return {
    volumes: [caVolume('axonserver-ca', tls.ca)],
    mounts: [{ name: 'axonserver-ca', mountPath: CLIENT_CA_DIR, readOnly: true }],
  };
}

/** The base URL of Axon Server's HTTP port on a host. */
export const httpUrl = (tls: AxonServerClientTls | undefined, host: string, port: number): string =>
  `${tls?.http ? 'https' : 'http'}://${host}:${port}`;
