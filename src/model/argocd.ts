/**
 * The Argo CD objects of an environment: two Applications, so that the Axon Server cluster and
 * the apps sync independently (an app release or rollback never waits on a degraded node or a
 * blocked StatefulSet), and an AppProject with least privilege.
 *
 * The Application objects carry sync waves (AppProject, then the cluster, then the apps) so that
 * an app-of-apps over dist/argocd/ keeps the order on a first install — with Argo CD's health
 * check for Applications restored (docs/runbooks/adopting.md).
 */
import type { ArgoCdConfig } from '../config/schema';
import { LABEL_PART_OF, POD_SECURITY_AUDIT, POD_SECURITY_ENFORCE, POD_SECURITY_WARN } from '../domain/keys';
import type { Issues } from './issues';
import type { LabelScheme } from './labels';
import type { ArgoApplicationModel, ArgoCdModel, Labels, OwnedFields } from './types';

export const DEFAULT_DESTINATION_SERVER = 'https://kubernetes.default.svc';
/** The AppProject every Argo CD installation has, shared by every team: never rendered. */
const SHARED_PROJECT = 'default';

export function buildArgoCd(
  config: ArgoCdConfig,
  environment: string,
  namespace: string,
  labels: LabelScheme,
  issues: Issues,
  /** The fields of the apps' objects that the rollout controller owns. */
  controllerOwned: readonly OwnedFields[] = [],
): ArgoCdModel {
  if (config.destination.server && config.destination.name) {
    issues.error(['argocd', 'destination'], 'set either server or name, not both');
  }
  const base = config.name ?? namespace;
  const project = config.project ?? base;
  if (config.createProject && project === SHARED_PROJECT) {
    issues.error(
      ['argocd', 'project'],
      `"${SHARED_PROJECT}" is Argo CD's shared project: axon-deploy would render it allowing only this repository and namespace, and applying it would lock every other Application out of it. Drop argocd.project (axon-deploy renders a project of its own, named ${base}), or set argocd.createProject: false to use the shared project as it is`,
    );
  }
  const stable = labels.stable('argocd-application', base, 'gitops');
  const automated = config.syncPolicy.automated;
  const namespaceLabels: Labels = {
    ...labels.full({ [LABEL_PART_OF]: stable[LABEL_PART_OF] }),
    // Warn and audit always; enforce on request: the namespace may hold workloads axon-deploy does not render.
    [POD_SECURITY_WARN]: 'restricted',
    [POD_SECURITY_AUDIT]: 'restricted',
    ...(config.enforcePodSecurity ? { [POD_SECURITY_ENFORCE]: 'restricted' } : {}),
  };
  const path = (config.path ?? `dist/${environment}`).replace(/\/+$/, '');
  // PruneLast: objects that left dist/ are deleted after everything else is synced and healthy.
  const applications: ArgoApplicationModel[] = [
    {
      name: `${base}-axon-server`,
      part: 'axon-server',
      path: `${path}/axon-server`,
      wave: 0,
      // The cluster syncs first on an install: it creates (and labels) the namespace.
      syncOptions: ['CreateNamespace=true', 'PruneLast=true'],
      namespaceLabels,
    },
    {
      name: `${base}-apps`,
      part: 'apps',
      path: `${path}/apps`,
      wave: 1,
      // RespectIgnoreDifferences: a sync keeps the live value of a field the controller owns
      // (which colour serves, the scale) instead of applying Git's again.
      syncOptions:
        controllerOwned.length > 0 ? ['PruneLast=true', 'RespectIgnoreDifferences=true'] : ['PruneLast=true'],
      ...(controllerOwned.length > 0 ? { ignoreDifferences: controllerOwned } : {}),
    },
  ];
  return {
    namespace: config.namespace,
    labels: labels.full(stable),
    project: { name: project, create: config.createProject, wave: -1 },
    repoURL: config.repoURL,
    targetRevision: config.targetRevision,
    destination: {
      ...(config.destination.name
        ? { name: config.destination.name }
        : { server: config.destination.server ?? DEFAULT_DESTINATION_SERVER }),
      namespace,
    },
    automated: automated.enabled ? { prune: automated.prune, selfHeal: automated.selfHeal } : undefined,
    retry: {
      limit: config.syncPolicy.retry.limit,
      duration: config.syncPolicy.retry.backoffDuration,
      factor: config.syncPolicy.retry.backoffFactor,
      maxDuration: config.syncPolicy.retry.backoffMaxDuration,
    },
    applications,
  };
}
