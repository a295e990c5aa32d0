/**
 * A rolling app: one Deployment updated in place, for apps that need no replay.
 */
import type { AppConfig } from '../../config/schema';
import { LABEL_INSTANCE, LABEL_NAME, LABEL_VERSION } from '../../domain/keys';
import { WAVE } from '../../domain/waves';
import { checkVersion, exposureOf } from '../app-extras';
import type { DeploymentModel, Labels, RollingAppModel } from '../types';
import { AppBuild, COMPONENT, DATABASE_COMPONENT, service } from './context';
import { seedJob, storageOf } from './storage';

type RollingRelease = Extract<AppConfig['release'], { strategy: 'rolling' }>;

export function buildRolling(b: AppBuild, release: RollingRelease): RollingAppModel {
  const { app, path, input, support, issues, labels, names, env, pod, autoscaler, databaseJob, common, exposureInput } =
    b;
  names.claim('Deployment', app.name, [...path, 'name']);
  names.claim('Service', app.name, [...path, 'name']);
  names.claim('PodDisruptionBudget', app.name, [...path, 'name']);
  const storage = storageOf(app, release.adopt, release.adopt);
  const stable = labels.stable(app.name, app.name, COMPONENT);
  const selector: Labels = { [LABEL_NAME]: app.name, [LABEL_INSTANCE]: app.name };
  checkVersion(release.version, [...path, 'release', 'version'], issues);
  const hpa = autoscaler(app.name, 'SERVING', 1);
  const deployment: DeploymentModel = {
    meta: { name: app.name, labels: labels.full(stable, { [LABEL_VERSION]: release.version }), wave: WAVE.serving },
    phase: 'SERVING',
    version: release.version,
    replicas: hpa ? undefined : app.replicas,
    floor: hpa?.minReplicas ?? app.replicas,
    selector,
    pod: pod(
      labels.full(stable, { [LABEL_VERSION]: release.version }),
      env.build(undefined, release.version, storage),
      release,
      'service',
      { selector },
    ),
    maxSurge: release.maxSurge,
    minReadySeconds: release.minReadySeconds,
  };
  const create = storage.database
    ? databaseJob(
        `${app.name}-database`,
        labels.full(labels.stable(app.name, app.name, DATABASE_COMPONENT)),
        storage.database,
      )
    : undefined;
  return {
    ...common,
    seedJob: seedJob(app, path, storage, input, support),
    strategy: 'rolling',
    adopt: release.adopt,
    storage,
    deployments: [deployment],
    liveService: service(app.name, labels.full(stable), selector, WAVE.liveService),
    pdb: { meta: { name: app.name, labels: labels.full(stable), wave: WAVE.config }, selector, maxUnavailable: 1 },
    databaseJobs: create ? [create] : [],
    autoscalers: hpa ? [hpa] : [],
    exposure: exposureOf({ ...exposureInput, waves: { live: WAVE.liveService, preview: WAVE.notServing } }),
  };
}
