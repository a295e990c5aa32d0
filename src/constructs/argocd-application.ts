import { Construct } from 'constructs';
import { Application } from '../../imports/argocd-application-argoproj.io';
import type { ArgoCdModel } from '../model/types';

export interface ArgoCdApplicationProps {
  /** The Application as modelled. */
  readonly model: ArgoCdModel;
}

/**
 * The Argo CD Application that syncs dist/<environment>. No resources finalizer: deleting the
 * Application leaves the environment running (and the StatefulSets are protected regardless).
 */
export class ArgoCdApplication extends Construct {
  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const m = props.model;
    new Application(this, 'Resource', {
      metadata: { name: m.name, namespace: m.namespace, labels: { ...m.labels } },
      spec: {
        project: m.project,
        source: { repoUrl: m.repoURL, targetRevision: m.targetRevision, path: m.path },
        destination: { ...m.destination },
        syncPolicy: {
          automated: m.automated ? { prune: m.automated.prune, selfHeal: m.automated.selfHeal } : undefined,
          syncOptions: [...m.syncOptions],
          managedNamespaceMetadata: { labels: { ...m.namespaceLabels } },
          retry: {
            limit: m.retry.limit,
            backoff: { duration: m.retry.duration, factor: m.retry.factor, maxDuration: m.retry.maxDuration },
          },
        },
      },
    });
  }
}
