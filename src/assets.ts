/**
 * The files axon-deploy ships beside its code: the SQL its database Jobs run with psql, the
 * scripts its Jobs run with Node.js (both rendered into ConfigMaps), Argo CD's health check, the
 * GitHub workflows `init` writes. They are real files under src/scripts/ (read, linted and tested as what they
 * are), loaded once per process by the load stage of the pipeline and handed to the model as
 * input, so the model itself reads nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The SQL files of src/scripts/sql/, by file name. */
export const SQL_FILE_NAMES = [
  'create.sql',
  'drop.sql',
  'delete-positions.sql',
  'seed-export.sql',
  'seed-import.sql',
] as const;
export type SqlFileName = (typeof SQL_FILE_NAMES)[number];

/** The Job scripts of src/scripts/jobs/ (plain Node.js, `// @ts-check`), by file name. */
export const JOB_SCRIPT_NAMES = ['restore-configdb.js', 'backup.js'] as const;
export type JobScriptName = (typeof JOB_SCRIPT_NAMES)[number];

/** The GitHub workflows `axon-deploy init` writes (src/scripts/workflows/), by file name. */
export const WORKFLOW_NAMES = ['axon-deploy.yml', 'axon-deploy-review.yml', 'axon-deploy-review-trigger.yml'] as const;
export type WorkflowName = (typeof WORKFLOW_NAMES)[number];

/** The file the controller's code is bundled into, in lib/ and in its ConfigMap. */
export const CONTROLLER_BUNDLE = 'controller.js';

export interface Assets {
  readonly sql: Readonly<Record<SqlFileName, string>>;
  readonly jobs: Readonly<Record<JobScriptName, string>>;
  /** The rollout controller, bundled into one file (lib/controller.js, built by scripts/build.cjs). */
  readonly controller: string;
  /** Argo CD's health check of the controller's resources (src/scripts/argocd/health.lua). */
  readonly argocdHealthCheck: string;
  /** The deployment repository's workflows; `@NAME@` marks a value `init` fills in. */
  readonly workflows: Readonly<Record<WorkflowName, string>>;
}

/** The directory of the axon-deploy package (the source tree or the installed package). */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'axon-deploy') return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the axon-deploy package above ${from}`);
  }
}

/** Reads the assets of the package at `root`: src/scripts/ in the source tree, lib/scripts/ once installed. */
export function loadAssets(root: string): Assets {
  const source = path.join(root, 'src', 'scripts');
  const dir = fs.existsSync(source) ? source : path.join(root, 'lib', 'scripts');
  const read = (...parts: string[]) => fs.readFileSync(path.join(dir, ...parts), 'utf8');
  const sql = Object.fromEntries(SQL_FILE_NAMES.map((f) => [f, read('sql', f)])) as Record<SqlFileName, string>;
  const jobs = Object.fromEntries(JOB_SCRIPT_NAMES.map((f) => [f, read('jobs', f)])) as Record<JobScriptName, string>;
  const bundle = path.join(root, 'lib', CONTROLLER_BUNDLE);
  if (!fs.existsSync(bundle)) {
    throw new Error(`${bundle} is missing: build it with \`node scripts/build.cjs\` (npm run build)`);
  }
  return {
    sql,
    jobs,
    controller: fs.readFileSync(bundle, 'utf8'),
    argocdHealthCheck: read('argocd', 'health.lua'),
    workflows: Object.fromEntries(WORKFLOW_NAMES.map((f) => [f, read('workflows', f)])) as Record<WorkflowName, string>,
  };
}

let shipped: Assets | undefined;

/** This package's own assets, read once. */
export function shippedAssets(): Assets {
  shipped ??= loadAssets(packageRoot());
  return shipped;
}
