/**
 * Object metadata from the model: name, labels, and the Argo CD annotations that order and
 * protect objects. Namespaces come from the chart.
 */
import type * as k8s from '../../imports/k8s';
import type { ObjectMeta } from '../model/types';

export const ARGOCD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const ARGOCD_HOOK = 'argocd.argoproj.io/hook';
export const ARGOCD_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
/** Never pruned when it leaves dist/, never deleted with the Application: it owns data. */
export const PROTECTED_SYNC_OPTIONS = 'Prune=false,Delete=false';

export function objectMeta(meta: ObjectMeta, annotations: Readonly<Record<string, string>> = {}): k8s.ObjectMeta {
  return {
    name: meta.name,
    labels: { ...meta.labels },
    annotations: {
      ...annotations,
      [ARGOCD_SYNC_WAVE]: String(meta.wave),
      ...(meta.protected ? { [ARGOCD_SYNC_OPTIONS]: PROTECTED_SYNC_OPTIONS } : {}),
    },
  };
}
