import { Construct } from 'constructs';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { AppProject } from '../../imports/argocd-appproject-argoproj.io';
import { ARGOCD_SYNC_WAVE } from '../domain/keys';
import type { ArgoApplicationModel, ArgoCdModel } from '../model/types';

export interface ArgoCdApplicationProps {
  /** What both Applications of the environment share: project, source, destination, policy. */
  readonly model: ArgoCdModel;
  /** This Application: name, part, path, wave, sync options. */
  readonly application: ArgoApplicationModel;
}

/**
 * One Argo CD Application of an environment. No resources finalizer: deleting the Application
 * leaves the environment running (and the StatefulSets are protected regardless).
 */
export class ArgoCdApplication extends Construct {
  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const { model: m, application: a } = props;
    new Application(this, 'Resource', {
      metadata: {
        name: a.name,
        namespace: m.namespace,
        labels: { ...m.labels },
        annotations: { [ARGOCD_SYNC_WAVE]: String(a.wave) },
      },
      spec: {
        project: m.project.name,
        source: { repoUrl: m.repoURL, targetRevision: m.targetRevision, path: a.path },
        destination: { ...m.destination },
        ignoreDifferences:
          a.ignoreDifferences && a.ignoreDifferences.length > 0
            ? a.ignoreDifferences.map((f) => ({
                group: f.group,
                kind: f.kind,
                name: f.name,
                namespace: m.destination.namespace,
                jsonPointers: [...f.jsonPointers],
              }))
            : undefined,
        syncPolicy: {
          automated: m.automated ? { prune: m.automated.prune, selfHeal: m.automated.selfHeal } : undefined,
          syncOptions: [...a.syncOptions],
          managedNamespaceMetadata: a.namespaceLabels ? { labels: { ...a.namespaceLabels } } : undefined,
          retry: {
            limit: m.retry.limit,
            backoff: { duration: m.retry.duration, factor: m.retry.factor, maxDuration: m.retry.maxDuration },
          },
        },
      },
    });
  }
}

/** A kind an AppProject allows; cluster-scoped ones by name. */
export interface ResourceKind {
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
}

export interface ArgoCdProjectProps {
  /** The environment's Argo CD settings (project name, repository, destination). */
  readonly model: ArgoCdModel;
  /** The namespaced kinds the environment emits. */
  readonly namespaced: readonly ResourceKind[];
  /** The cluster-scoped objects the environment emits (and the namespace it creates), by name. */
  readonly clusterScoped: readonly ResourceKind[];
}

/**
 * The environment's AppProject, with least privilege: only this repository, only this
 * destination and namespace, only the kinds the environment emits, cluster-scoped ones by name.
 */
export class ArgoCdProject extends Construct {
  constructor(scope: Construct, id: string, props: ArgoCdProjectProps) {
    super(scope, id);
    const m = props.model;
    new AppProject(this, 'Resource', {
      metadata: {
        name: m.project.name,
        namespace: m.namespace,
        labels: { ...m.labels },
        annotations: { [ARGOCD_SYNC_WAVE]: String(m.project.wave) },
      },
      spec: {
        description: `axon-deploy: ${m.applications.map((a) => a.name).join(', ')}`,
        sourceRepos: [m.repoURL],
        destinations: [{ ...m.destination }],
        clusterResourceWhitelist: props.clusterScoped.map((k) => ({ ...k })),
        namespaceResourceWhitelist: props.namespaced.map((k) => ({ group: k.group, kind: k.kind })),
      },
    });
  }
}
