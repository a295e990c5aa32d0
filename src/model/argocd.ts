/**
 * The Argo CD Application of an environment: syncs dist/<environment> into the namespace.
 */
import type { ArgoCdConfig } from '../config/schema';
import type { Issues } from './issues';
import { LABEL_PART_OF, POD_SECURITY_AUDIT, POD_SECURITY_ENFORCE, POD_SECURITY_WARN } from '../domain/keys';
import type { LabelScheme } from './labels';
import type { ArgoCdModel, Labels } from './types';

export const DEFAULT_DESTINATION_SERVER = 'https://kubernetes.default.svc';

export function buildArgoCd(config: ArgoCdConfig, environment: string, namespace: string, labels: LabelScheme, issues: Issues): ArgoCdModel {
  if (config.destination.server && config.destination.name) {
    issues.error(['argocd', 'destination'], 'set either server or name, not both');
  }
  const name = config.name ?? namespace;
  const stable = labels.stable('argocd-application', name, 'gitops');
  const automated = config.syncPolicy.automated;
  const namespaceLabels: Labels = {
    ...labels.full({ [LABEL_PART_OF]: stable[LABEL_PART_OF] }),
    // Warn and audit always; enforce on request: the namespace may hold workloads axon-deploy does not render.
    [POD_SECURITY_WARN]: 'restricted',
    [POD_SECURITY_AUDIT]: 'restricted',
    ...(config.enforcePodSecurity ? { [POD_SECURITY_ENFORCE]: 'restricted' } : {}),
  };
  return {
    name,
    namespace: config.namespace,
    labels: labels.full(stable),
    project: config.project,
    repoURL: config.repoURL,
    targetRevision: config.targetRevision,
    path: config.path ?? `dist/${environment}`,
    destination: {
      ...(config.destination.name ? { name: config.destination.name } : { server: config.destination.server ?? DEFAULT_DESTINATION_SERVER }),
      namespace,
    },
    automated: automated.enabled ? { prune: automated.prune, selfHeal: automated.selfHeal } : undefined,
    // PruneLast: objects that left dist/ are deleted after everything else is synced and healthy.
    syncOptions: ['CreateNamespace=true', 'PruneLast=true'],
    retry: {
      limit: config.syncPolicy.retry.limit,
      duration: config.syncPolicy.retry.backoffDuration,
      factor: config.syncPolicy.retry.backoffFactor,
      maxDuration: config.syncPolicy.retry.backoffMaxDuration,
    },
    namespaceLabels,
  };
}
