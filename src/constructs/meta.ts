/**
 * Object metadata from the model: name, labels, and the Argo CD annotations that order, protect
 * and hook objects. Namespaces come from the chart.
 */
import type * as k8s from '../../imports/k8s';
import {
  ARGOCD_HOOK,
  ARGOCD_HOOK_DELETE_POLICY,
  ARGOCD_SYNC_OPTIONS,
  ARGOCD_SYNC_WAVE,
  PROTECTED_SYNC_OPTIONS,
  PRUNE_LAST_SYNC_OPTIONS,
} from '../domain/keys';
import type { ObjectMeta } from '../model/types';

export function objectMeta(meta: ObjectMeta): k8s.ObjectMeta {
  return {
    name: meta.name,
    labels: { ...meta.labels },
    annotations: {
      ...(meta.hook ? { [ARGOCD_HOOK]: meta.hook.phase, [ARGOCD_HOOK_DELETE_POLICY]: meta.hook.deletePolicy } : {}),
      [ARGOCD_SYNC_WAVE]: String(meta.wave),
      ...(meta.protected
        ? { [ARGOCD_SYNC_OPTIONS]: PROTECTED_SYNC_OPTIONS }
        : meta.pruneLast
          ? { [ARGOCD_SYNC_OPTIONS]: PRUNE_LAST_SYNC_OPTIONS }
          : {}),
    },
  };
}
