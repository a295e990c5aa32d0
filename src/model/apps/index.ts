/**
 * Apps -> releases: colour-suffixed blue/green Deployments moving through phases, or one rolling
 * Deployment; the live and preview Services; the release files that tell each colour its phase;
 * the AppRelease the rollout controller walks; the Jobs that create and drop colours' databases;
 * the environment that tells each pod who it is.
 *
 * A change of phase alone changes no pod template: the phase reaches the pods through the release
 * files (a ConfigMap updated in place), and only Service selectors, replica counts and the
 * Deployments' own metadata change. A promotion therefore restarts no pod. Which colour serves is
 * the rollout controller's to decide (src/controller/releases/): synth renders the live Service,
 * the budget, the release files and the replica counts as they start, and Argo CD leaves those
 * fields to the controller afterwards (model/argocd.ts).
 */
import type { ConfigPath } from '../../config/diagnostics';
import type { AppConfig } from '../../config/schema';
import { WAVE } from '../../domain/waves';
import { AXON_SERVER } from '../axon-server';
import { sqlScripts } from '../database-jobs';
import type { AppModel, AppsModel } from '../types';
import { appBuild, AppsInput, DATABASE_COMPONENT, DATABASE_JOBS_NAME, Support } from './context';
import { buildBlueGreen } from './blue-green';
import { buildRolling } from './rolling';

export type { AppsInput } from './context';
export { controllerOwnedFields } from './release';

export function buildApps(input: AppsInput): AppsModel {
  const { labels, names } = input;
  // Shared by the apps' Jobs, in the apps Application (content-named: a new tool version is a new revision).
  const sqlLabels = (name: string) => labels.full(labels.stable(DATABASE_JOBS_NAME, name, DATABASE_COMPONENT));
  const needsSql = input.apps.some((a) => a.readModel?.manage || a.sideEffects?.seed === 'copyLive');
  const support = {
    sqlScripts: needsSql
      ? sqlScripts('app-database-sql', sqlLabels('app-database-sql'), WAVE.config, input.sql)
      : undefined,
  };
  if (support.sqlScripts) names.claim('ConfigMap', support.sqlScripts.meta.name, ['apps'], 'the database scripts');
  const seen = new Set<string>();
  const apps = input.apps.flatMap((app, index) => {
    const path: ConfigPath = ['apps', index];
    if (app.name === AXON_SERVER) {
      input.issues.error(
        [...path, 'name'],
        `"${AXON_SERVER}" is the name label of the Axon Server pods: choose another app name`,
      );
    }
    if (seen.has(app.name)) {
      input.issues.error([...path, 'name'], `app "${app.name}" is declared twice`);
      return [];
    }
    seen.add(app.name);
    return [buildApp(app, path, input, support)];
  });
  return { apps, ...support };
}

/** One app: its shared parts, then the model of its strategy. */
function buildApp(app: AppConfig, path: ConfigPath, input: AppsInput, support: Support): AppModel {
  const b = appBuild(app, path, input, support);
  return app.release.strategy === 'rolling' ? buildRolling(b, app.release) : buildBlueGreen(b, app.release);
}
