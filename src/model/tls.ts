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
import { serviceFqdn } from '../domain/names';
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
  const tls = input.config.tls;
  if (!tls.enabled) {
    if (tls.certManager || tls.keystorePasswordSecret || tls.caBundle)
      input.issues.warn(at('enabled'), 'TLS settings are not used while tls.enabled is false');
    return undefined;
  }
  const password = keystorePassword(input);
  const ca: CaBundleRef = tls.caBundle ?? { kind: 'Secret', name: tlsSecretOf(input.firstNode), key: CA_FILE };
  registerSecrets(input, password);
  return {
    client: { ca, http: tls.http },
    properties: tlsProperties(tls.http, tls.caBundle !== undefined),
    nodePod: (node) => nodePod(node, tls.caBundle, tls.http ? password : undefined),
    certificate(node, meta, secretLabels) {
      const cm = tls.certManager;
      if (!cm) return undefined;
      return {
        meta: meta(tlsSecretOf(node)),
        secretName: tlsSecretOf(node),
        secretLabels,
        dnsNames: dnsNamesOf(node, input),
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
        keystorePassword: tls.http ? password : undefined,
      };
    },
  };
}

type TlsConfig = AxonServerConfig['tls'];
type SecretKey = { readonly name: string; readonly key: string };

/** The HTTPS keystore's password: required with tls.http, pointless without. */
function keystorePassword({ config, issues }: TlsInput): SecretKey | undefined {
  const tls = config.tls;
  const password = tls.keystorePasswordSecret
    ? { name: tls.keystorePasswordSecret.name, key: tls.keystorePasswordSecret.key }
    : undefined;
  if (tls.http && !password) {
    issues.error(
      at('keystorePasswordSecret'),
      'required when tls.http is on: HTTPS on 8024 reads a PKCS12 keystore, which needs a password (cert-manager encrypts keystore.p12 with it; reference a Secret with { name, key })',
    );
  }
  if (!tls.http && password) issues.warn(at('keystorePasswordSecret'), 'not used while tls.http is false');
  return password;
}

/** The Secrets TLS reads: the keystore password, a CA bundle, and the nodes' own unless cert-manager writes them. */
function registerSecrets({ config, secrets }: TlsInput, password: SecretKey | undefined): void {
  const tls: TlsConfig = config.tls;
  if (password) secrets.add(password, 'the Axon Server HTTPS keystore');
  if (tls.caBundle?.kind === 'Secret')
    secrets.add({ name: tls.caBundle.name, key: tls.caBundle.key }, "the CA Axon Server's clients trust");
  if (tls.certManager) return;
  const files = [
    TLS_FILES.cert,
    TLS_FILES.key,
    ...(tls.caBundle ? [] : [TLS_FILES.ca]),
    ...(tls.http ? [TLS_FILES.keystore] : []),
  ];
  for (const node of config.nodes)
    for (const file of files) secrets.add({ name: tlsSecretOf(node.name), key: file }, `${node.name} (TLS)`);
}

/** The properties that switch gRPC (and with `http`, HTTP and the actuator's port) to TLS. */
function tlsProperties(http: boolean, caBundle: boolean): [string, string][] {
  const tlsDir = AXON_PATHS.tls;
  // The nodes trust the CA bundle when one is given, else the CA in their own Secret.
  const trust = caBundle ? `${AXON_PATHS.ca}/${CA_FILE}` : `${tlsDir}/${TLS_FILES.ca}`;
  const keystore = `file:${tlsDir}/${TLS_FILES.keystore}`; // a file: URL, not a class-path resource
  return [
    ['axoniq.axonserver.ssl.enabled', 'true'],
    ['axoniq.axonserver.ssl.cert-chain-file', `${tlsDir}/${TLS_FILES.cert}`],
    ['axoniq.axonserver.ssl.private-key-file', `${tlsDir}/${TLS_FILES.key}`],
    ['axoniq.axonserver.ssl.internal-trust-manager-file', trust],
    ...(http
      ? ([
          ['server.ssl.enabled', 'true'],
          ['server.ssl.key-store', keystore],
          ['server.ssl.key-store-type', 'PKCS12'],
          // The actuator's own port (domain/ports.ts) does not inherit server.ssl: the same keystore.
          ['management.server.ssl.enabled', 'true'],
          ['management.server.ssl.key-store', keystore],
          ['management.server.ssl.key-store-type', 'PKCS12'],
        ] as [string, string][])
      : []),
  ];
}

/** What a node's pod mounts: its TLS Secret, the CA bundle, and the keystore password as variables. */
function nodePod(node: string, caBundle: CaBundleRef | undefined, httpsPassword: SecretKey | undefined) {
  return {
    volumes: [
      // The whole Secret as a directory: Kubernetes replaces the files on renewal, and
      // Axon Server re-reads the certificate files when they change.
      { kind: 'secret', name: 'tls', secretName: tlsSecretOf(node), defaultMode: 0o440 } as const,
      ...(caBundle ? [caVolume('ca', caBundle)] : []),
    ],
    mounts: [
      { name: 'tls', mountPath: AXON_PATHS.tls, readOnly: true },
      ...(caBundle ? [{ name: 'ca', mountPath: AXON_PATHS.ca, readOnly: true }] : []),
    ],
    // Spring Boot reads server.ssl.key-store-password (and the management port's) from these
    // variables (relaxed binding).
    env: httpsPassword
      ? [
          { name: 'SERVER_SSL_KEY_STORE_PASSWORD', secret: httpsPassword },
          { name: 'MANAGEMENT_SERVER_SSL_KEY_STORE_PASSWORD', secret: httpsPassword },
        ]
      : [],
  };
}

/** A node's names in its certificate: its own (peers and redirected clients use the FQDN) and the Services'. */
function dnsNamesOf(node: string, { namespace, serviceNames }: TlsInput): string[] {
  return [node, ...serviceNames].flatMap((n) => [
    n,
    `${n}.${namespace}`,
    `${n}.${namespace}.svc`,
    serviceFqdn(n, namespace),
  ]);
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
