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
    if (other !== undefined && other !== environment)
      issues.push({ environment, severity: 'error', path, message: message(other) });
    else claimed.set(key, environment);
  };
  for (const m of models) {
    if (!m.argocd) continue;
    const cluster = m.argocd.destination.server ?? `name:${m.argocd.destination.name ?? ''}`;
    const argocd = m.argocd;
    for (const app of argocd.applications) {
      claim(
        `app/${argocd.namespace}/${app.name}`,
        m.name,
        ['argocd'],
        (other) =>
          `environment ${other} already has the Argo CD Application "${app.name}" in namespace ${argocd.namespace}: set argocd.name`,
      );
    }
    if (argocd.project.create) {
      claim(
        `project/${argocd.namespace}/${argocd.project.name}`,
        m.name,
        ['argocd', 'project'],
        (other) =>
          `environment ${other} already renders the AppProject "${argocd.project.name}" in namespace ${argocd.namespace}: each environment renders its own (leave argocd.project unset), or set createProject: false to share an existing one`,
      );
    }
    claim(
      `ns/${cluster}/${m.namespace}`,
      m.name,
      ['namespace'],
      (other) =>
        `environment ${other} already deploys to namespace ${m.namespace} of the same cluster: the two would overwrite each other`,
    );
    m.axonServer.storageClasses.forEach((sc, i) => {
      claim(
        `sc/${cluster}/${sc.meta.name}`,
        m.name,
        ['axonServer', 'storageClasses', i, 'name'],
        (other) =>
          `environment ${other} already declares StorageClass ${sc.meta.name} in the same cluster: declare a cluster-scoped class in one environment and refer to it by name in the others`,
      );
    });
  }
  return issues;
}
