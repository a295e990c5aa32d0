/**
 * Where an app's processors and read model live, and the Jobs that create, seed and drop its
 * databases (their SQL is src/scripts/sql/).
 */
import type { ConfigPath } from '../../config/diagnostics';
import type { AppConfig } from '../../config/schema';
import { STORE_TABLES } from '../../domain/axon-stores';
import { Color } from '../../domain/phases';
import { SEED_HOOK, WAVE } from '../../domain/waves';
import { postgresServer, psqlJob, PsqlStep } from '../database-jobs';
import type { ColorModel, JobModel } from '../types';
import type { AppsInput, Storage, Support } from './context';
import { DATABASE_COMPONENT } from './context';
import { colorDeployment } from '../../domain/names';

/**
 * Processor names and database of a colour (or the rolling Deployment). `adopted`: the colour
 * that took over the rolling app's processors and database (no suffix, no colour). `colorOf`:
 * the colour whose processors and database are used (a rolling app continuing a colour's).
 */
export function storageOf(app: AppConfig, adopted: Color | undefined, colorOf: Color | undefined): Storage {
  const rolling = app.release.strategy === 'rolling';
  const useColor = rolling ? colorOf : adopted ? undefined : colorOf;
  return {
    processorSuffix: useColor ? `-${useColor}` : '',
    database: app.readModel ? databaseOf(app.readModel.database, useColor) : undefined,
  };
}

/** `<database>_<colour>`: each colour replays into its own, empty database. */
export const databaseOf = (database: string, color: Color | undefined) => (color ? `${database}_${color}` : database);

/** Job templates are immutable: the name carries colour and version, so a new cleanup is a new Job. */
export function cleanupJobName(app: string, color: Color, version: string): string {
  const slug = version
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return `${colorDeployment(app, color)}-cleanup-${slug}`;
}

/**
 * `seed: copyLive`: a PreSync Job copies what the live processors of the side-effect groups own
 * (tokens, sagas, dead letters) from the live storage (the SERVING colour's read model, or the
 * rolling app's) into the shared store, renamed to the shared processor names, before the change
 * that points the groups at the shared store rolls out. Safe to run again (src/scripts/sql/).
 */
export function seedJob(
  app: AppConfig,
  path: ConfigPath,
  live: { readonly database?: string; readonly processorSuffix: string } | undefined,
  input: AppsInput,
  support: Support,
): JobModel | undefined {
  const se = app.sideEffects;
  if (se?.seed !== 'copyLive' || !se.store || se.processingGroups.length === 0 || !support.sqlScripts) return undefined;
  const rm = app.readModel;
  const source = rm && live?.database ? postgresServer(rm.jdbcUrl) : undefined;
  const target = postgresServer(se.store.jdbcUrl);
  if (!rm || !live?.database || !source || !target) {
    input.issues.error(
      [...path, 'sideEffects', 'seed'],
      "copyLive copies from the live processors' token store, the read model of the SERVING colour (or of the rolling app) on PostgreSQL: there is none here; use startAtHead, or seed the shared store yourself and drop `seed`",
    );
    return undefined;
  }
  const tables = STORE_TABLES[se.store.schema];
  const groups = [...new Set(se.processingGroups)].sort();
  const sourceNames = groups.map((g) => `${g}${live.processorSuffix}`).join(',');
  const name = `${app.name}-side-effects-seed`;
  input.names.claim('Job', name, [...path, 'sideEffects', 'seed']);
  const { labels } = input;
  return psqlJob({
    name,
    labels: labels.full(labels.stable(app.name, name, DATABASE_COMPONENT)),
    wave: WAVE.databases,
    hook: SEED_HOOK,
    scripts: support.sqlScripts,
    jobs: input.jobs,
    backoffLimit: 2,
    activeDeadlineSeconds: 1800,
    steps: [
      {
        name: 'export-live',
        script: 'seed-export.sql',
        database: live.database,
        server: source,
        credentials: { name: rm.credentialsSecret, key: rm.usernameKey, passwordKey: rm.passwordKey },
        variables: {
          token_table: tables.tokenTable,
          processor_column: tables.processorColumn,
          source_processors: sourceNames,
          saga_table: tables.sagaTable,
          association_table: tables.associationTable,
          dead_letter_table: tables.deadLetterTable,
          group_column: tables.groupColumn,
          source_groups: sourceNames,
        },
      },
      {
        name: 'import-shared',
        script: 'seed-import.sql',
        database: se.store.database,
        server: target,
        credentials: { name: se.store.credentialsSecret, key: se.store.usernameKey, passwordKey: se.store.passwordKey },
        variables: {
          token_table: tables.tokenTable,
          processor_column: tables.processorColumn,
          owner_column: tables.ownerColumn,
          suffix: live.processorSuffix,
          saga_table: tables.sagaTable,
          association_table: tables.associationTable,
          association_id_column: tables.associationIdColumn,
          dead_letter_table: tables.deadLetterTable,
          group_column: tables.groupColumn,
        },
      },
    ],
  });
}

/**
 * The psql step that creates a database, as the app's user or an administrator for it. `release`
 * (`<app> <colour> <version>`) is written as the database's comment; a database whose comment
 * names another release holds an old read model (its cleanup did not run) and is refused.
 */
export function createStep(app: AppConfig, database: string, release = ''): PsqlStep {
  const rm = app.readModel!;
  const admin = rm.adminCredentialsSecret;
  return {
    name: 'create-database',
    script: 'create.sql',
    database: rm.maintenanceDatabase,
    server: postgresServer(rm.jdbcUrl)!,
    credentials: { name: admin ?? rm.credentialsSecret, key: rm.usernameKey, passwordKey: rm.passwordKey },
    // Kubernetes expands $(APP_USERNAME) in args from the container's environment.
    variables: { db: database, owner: admin ? '$(APP_USERNAME)' : '', release },
    env: admin ? [{ name: 'APP_USERNAME', secret: { name: rm.credentialsSecret, key: rm.usernameKey } }] : [],
  };
}

/** What a CLEANING_UP colour's Job does: drop its database, delete its tokens from the shared store. */
export function cleanupSteps(app: AppConfig, color: ColorModel): PsqlStep[] {
  const steps: PsqlStep[] = [];
  const rm = app.readModel;
  if (rm?.manage && color.database) {
    steps.push({
      name: 'drop-database',
      script: 'drop.sql',
      database: rm.maintenanceDatabase,
      server: postgresServer(rm.jdbcUrl)!,
      credentials: {
        name: rm.adminCredentialsSecret ?? rm.credentialsSecret,
        key: rm.usernameKey,
        passwordKey: rm.passwordKey,
      },
      variables: { db: color.database },
    });
  }
  const store = app.sideEffects?.store;
  const server = store ? postgresServer(store.jdbcUrl) : undefined;
  if (steps.length > 0 && store && server && color.processorSuffix !== '') {
    const tables = STORE_TABLES[store.schema];
    steps.push({
      name: 'delete-tokens',
      script: 'delete-positions.sql',
      database: store.database,
      server,
      credentials: { name: store.credentialsSecret, key: store.usernameKey, passwordKey: store.passwordKey },
      variables: {
        token_table: tables.tokenTable,
        processor_column: tables.processorColumn,
        pattern: `%${color.processorSuffix}`,
      },
    });
  }
  return steps;
}
