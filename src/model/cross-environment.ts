/**
 * Checks across environments: two environments must not fight over the same objects in one
 * cluster (the same namespace, the same Argo CD Application, the same cluster-scoped
 * StorageClass). Only environments with an `argocd` section say which cluster they target.
 */
import type { EnvironmentModel, ModelIssue } from './types';

export interface CrossEnvironmentIssue extends ModelIssue {
  /** The environment the issue is reported in. */
  readonly environment: string;
}

export function checkAcrossEnvironments(models: readonly EnvironmentModel[]): CrossEnvironmentIssue[] {
  const issues: CrossEnvironmentIssue[] = [];
  const claimed = new Map<string, string>();
  const claim = (key: string, environment: string, path: ModelIssue['path'], message: (other: string) => string) => {
    const other = claimed.get(key);
    if (other !== undefined && other !== environment) issues.push({ environment, severity: 'error', path, message: message(other) });
    else claimed.set(key, environment);
  };
  for (const m of models) {
    if (!m.argocd) continue;
    const cluster = m.argocd.destination.server ?? `name:${m.argocd.destination.name}`;
    claim(`app/${m.argocd.namespace}/${m.argocd.name}`, m.name, ['argocd'],
      (other) => `environment ${other} already has the Argo CD Application "${m.argocd!.name}" in namespace ${m.argocd!.namespace}: set argocd.name`);
    claim(`ns/${cluster}/${m.namespace}`, m.name, ['namespace'],
      (other) => `environment ${other} already deploys to namespace ${m.namespace} of the same cluster: the two would overwrite each other`);
    m.axonServer.storageClasses.forEach((sc, i) => {
      claim(`sc/${cluster}/${sc.meta.name}`, m.name, ['axonServer', 'storageClasses', i, 'name'],
        (other) => `environment ${other} already declares StorageClass ${sc.meta.name} in the same cluster: declare a cluster-scoped class in one environment and refer to it by name in the others`);
    });
  }
  return issues;
}
