/**
 * Who may talk to whom, and with which identity: the NetworkPolicy of the Axon Server nodes, the
 * cert-manager Certificates of their TLS, and the least-privilege RBAC of a Job that calls the
 * Kubernetes API. L1 classes: every emitted field is a choice.
 */
import { Construct } from 'constructs';
import * as cm from '../../imports/certificate-cert-manager.io';
import * as k8s from '../../imports/k8s';
import type { CertificateModel, NetworkPolicyModel, ObjectMeta, PeerModel, RoleModel } from '../model/types';
import { objectMeta } from './meta';

/** Namespaces are selected by the label Kubernetes sets on each: kubernetes.io/metadata.name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function peer(p: PeerModel): k8s.NetworkPolicyPeer {
  return {
    podSelector: Object.keys(p.podLabels).length > 0 ? { matchLabels: { ...p.podLabels } } : {},
    namespaceSelector: p.namespace !== undefined ? { matchLabels: { [NAMESPACE_NAME_LABEL]: p.namespace } } : undefined,
  };
}

/** Ingress only: each rule admits its peers to its ports; everything else is refused. */
export class NetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: { readonly policy: NetworkPolicyModel }) {
    super(scope, id);
    const np = props.policy;
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: objectMeta(np.meta),
      spec: {
        podSelector: { matchLabels: { ...np.podSelector } },
        policyTypes: ['Ingress'],
        ingress: np.rules.map((r) => ({
          from: r.from.map(peer),
          ports: r.ports.map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' })),
        })),
      },
    });
  }
}

/** A node's certificate: PKCS#8 key (Axon Server needs it), a new key on every renewal. */
export class Certificate extends Construct {
  constructor(scope: Construct, id: string, props: { readonly certificate: CertificateModel }) {
    super(scope, id);
    const c = props.certificate;
    new cm.Certificate(this, 'Resource', {
      metadata: objectMeta(c.meta),
      spec: {
        secretName: c.secretName,
        secretTemplate: { labels: { ...c.secretLabels } },
        issuerRef: { kind: c.issuer.kind, name: c.issuer.name, group: c.issuer.group },
        dnsNames: [...c.dnsNames],
        duration: c.duration,
        renewBefore: c.renewBefore,
        privateKey: {
          algorithm:
            c.algorithm === 'RSA'
              ? cm.CertificateSpecPrivateKeyAlgorithm.RSA
              : cm.CertificateSpecPrivateKeyAlgorithm.ECDSA,
          size: c.algorithm === 'RSA' ? 2048 : 256,
          encoding: cm.CertificateSpecPrivateKeyEncoding.PKCS8,
          rotationPolicy: cm.CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
        },
        usages: c.usages.map((u) => u as cm.CertificateSpecUsages),
        keystores: c.keystorePassword
          ? {
              pkcs12: {
                create: true,
                passwordSecretRef: { name: c.keystorePassword.name, key: c.keystorePassword.key },
                // AES-256 and SHA-256 (Java 17 reads it); LegacyRC2, the default, is obsolete.
                profile: cm.CertificateSpecKeystoresPkcs12Profile.MODERN2023,
              },
            }
          : undefined,
      },
    });
  }
}

/** A ServiceAccount with a namespaced Role bound to it: only what the Job calls. */
export class ServiceAccountWithRole extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { readonly serviceAccount: ObjectMeta; readonly role: RoleModel; readonly binding: ObjectMeta },
  ) {
    super(scope, id);
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: objectMeta(props.serviceAccount),
      automountServiceAccountToken: false,
    });
    new k8s.KubeRole(this, 'Role', {
      metadata: objectMeta(props.role.meta),
      rules: props.role.rules.map((r) => ({
        apiGroups: [...r.apiGroups],
        resources: [...r.resources],
        verbs: [...r.verbs],
        resourceNames: r.resourceNames ? [...r.resourceNames] : undefined,
      })),
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: objectMeta(props.binding),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.role.meta.name },
      subjects: [{ kind: 'ServiceAccount', name: props.serviceAccount.name }],
    });
  }
}
