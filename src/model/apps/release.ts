/**
 * The release files and the fields the rollout controller owns once the objects exist.
 */
import { Color } from '../../domain/phases';
import type { AppModel, ColorModel, OwnedFields } from '../types';

/**
 * The fields of a blue/green app that the rollout controller owns once the objects exist: which
 * colour the live and preview Services and the disruption budget select, the release files, and
 * each colour's scale. Argo CD ignores them (and, with RespectIgnoreDifferences, keeps them on a
 * sync), so neither a sync nor a self-heal switches traffic.
 */
export function controllerOwnedFields(app: AppModel): OwnedFields[] {
  if (app.strategy !== 'blueGreen') return [];
  const release = app.release;
  const o = release.spec.objects;
  const selector = ['/spec/selector'];
  return [
    { group: '', kind: 'ConfigMap', name: o.releaseConfigMap, jsonPointers: ['/data'] },
    { group: '', kind: 'Service', name: o.liveService, jsonPointers: selector },
    ...(o.previewService ? [{ group: '', kind: 'Service', name: o.previewService, jsonPointers: selector }] : []),
    { group: 'policy', kind: 'PodDisruptionBudget', name: o.podDisruptionBudget, jsonPointers: selector },
    ...Object.values(release.spec.colors).flatMap((c) => [
      { group: 'apps', kind: 'Deployment', name: c.deployment, jsonPointers: ['/spec/replicas'] },
      ...(c.autoscaler
        ? [
            {
              group: 'autoscaling',
              kind: 'HorizontalPodAutoscaler',
              name: c.autoscaler,
              jsonPointers: ['/spec/minReplicas', '/spec/maxReplicas'],
            },
          ]
        : []),
    ]),
  ];
}

/**
 * What a colour reads from the release files: `<colour>.phase` (its phase), `<colour>.live`
 * (`true` when the live Service selects it), and `live` (the live colour, empty when none).
 */
export function releaseFiles(colors: readonly ColorModel[], live: Color | undefined): [string, string][] {
  return [
    ...colors.flatMap((c): [string, string][] => [
      [`${c.color}.live`, String(c.color === live)],
      [`${c.color}.phase`, c.phase],
    ]),
    ['live', live ?? ''],
  ];
}
