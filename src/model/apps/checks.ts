/**
 * Checks of one app's configuration that no single builder owns.
 */
import type { ConfigPath } from '../../config/diagnostics';
import type { AppConfig } from '../../config/schema';
import { COLORS, isRunning } from '../../domain/phases';
import { postgresServer } from '../database-jobs';
import type { Issues } from '../issues';
import type { SecretRegistry } from '../secrets';
import type { AppModel } from '../types';

export function registerSecrets(app: AppConfig, secrets: SecretRegistry): void {
  if (app.tokenSecret)
    secrets.add({ name: app.tokenSecret, key: app.tokenSecretKey }, `${app.name} (Axon Server token)`);
  const rm = app.readModel;
  if (rm) {
    for (const key of [rm.usernameKey, rm.passwordKey])
      secrets.add({ name: rm.credentialsSecret, key }, `${app.name} (read-model database)`);
    if (rm.adminCredentialsSecret && rm.manage) {
      for (const key of [rm.usernameKey, rm.passwordKey])
        secrets.add({ name: rm.adminCredentialsSecret, key }, `${app.name} (creates and drops the colours' databases)`);
    }
  }
  const store = app.sideEffects?.store;
  if (store)
    for (const key of [store.usernameKey, store.passwordKey])
      secrets.add({ name: store.credentialsSecret, key }, `${app.name} (shared token store)`);
  for (const value of Object.values(app.env)) {
    if (typeof value !== 'string' && 'secretName' in value)
      secrets.add({ name: value.secretName, key: value.key }, `${app.name} (env)`);
  }
  for (const name of app.imagePullSecrets)
    secrets.add({ name, key: '.dockerconfigjson' }, `pulling the ${app.name} image`);
}

export function checkReadModel(app: AppConfig, path: ConfigPath, issues: Issues): void {
  const rm = app.readModel;
  if (rm?.manage && !postgresServer(rm.jdbcUrl)) {
    issues.error(
      [...path, 'readModel', 'jdbcUrl'],
      `axon-deploy creates and drops PostgreSQL databases only (jdbc:postgresql://host:port), got ${rm.jdbcUrl}: for another database set readModel.manage: false and create and drop the colours' databases yourself`,
    );
  }
  if (rm && !rm.manage && rm.adminCredentialsSecret) {
    issues.warn([...path, 'readModel', 'adminCredentialsSecret'], 'not used while readModel.manage is false');
  }
}

export function checkSideEffects(app: AppConfig, path: ConfigPath, issues: Issues): AppModel['sideEffects'] {
  const se = app.sideEffects;
  if (!se) return undefined;
  const groups = [...new Set(se.processingGroups)].sort();
  if (groups.length > 0 && !se.store) {
    issues.error(
      [...path, 'sideEffects', 'store'],
      "required when there are side-effect processing groups: they keep one processor name across colours, so their tokens, sagas and dead letters must live in one store every colour shares (not a colour's own database)",
    );
  }
  se.processingGroups.forEach((group, i) => {
    const suffix = COLORS.find((c) => group.endsWith(`-${c}`));
    if (suffix) {
      issues.error(
        [...path, 'sideEffects', 'processingGroups', i],
        `"${group}" ends in "-${suffix}", the suffix of ${suffix}'s processors: the cleanup of ${suffix} deletes tokens whose processor name ends in it, this group's included; rename the processing group`,
      );
    }
  });
  return {
    processingGroups: groups,
    store: se.store ? { jdbcUrl: se.store.jdbcUrl, database: se.store.database } : undefined,
    seed: se.seed,
  };
}

export function checkColors(app: AppConfig, path: ConfigPath, issues: Issues): void {
  if (app.release.strategy !== 'blueGreen') return;
  const colors = app.release.colors;
  const { blue, green } = colors;
  const colorsPath = [...path, 'release', 'colors'];
  if (blue.phase === 'SERVING' && green.phase === 'SERVING') {
    issues.error(
      colorsPath,
      'both colours are SERVING: the live Service can select only one; make the other STANDING_BY',
    );
    return;
  }
  const running = COLORS.filter((c) => isRunning(colors[c].phase));
  if (running.length === 2 && blue.version === green.version) {
    issues.warn(
      colorsPath,
      `both running colours are version ${blue.version}: fine for rebuilding a read model, otherwise a slip`,
    );
  }
  if (running.length > 0 && blue.phase !== 'SERVING' && green.phase !== 'SERVING') {
    issues.warn(
      colorsPath,
      `no colour is SERVING while ${running.join(' and ')} ${running.length === 1 ? 'is' : 'are'} running: nothing is live and the live Service ${app.name} is not created`,
    );
  }
}
