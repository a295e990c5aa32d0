/**
 * `axon-deploy init [dir]`: a working deployment repository. Never overwrites a file: when any
 * file it would write exists (package.json aside, which it extends), it writes nothing and says
 * which files are in the way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shippedAssets } from '../assets';
import { dnsLabelProblem } from '../config/formats';
import { schemaFiles } from '../cli/commands/schema';
import { PACKAGE_NAME } from '../package-info';
import {
  baseConfig,
  ciWorkflow,
  codeOwners,
  environmentConfig,
  gitignore,
  readme,
  reviewTriggerWorkflow,
  reviewWorkflow,
  TemplateValues,
} from './templates';

export interface InitOptions {
  /** The repository directory (created when missing). */
  readonly dir: string;
  readonly environment: string;
  readonly namespace: string;
  readonly repoUrl: string;
  /** The tool version the repository depends on. */
  readonly version: string;
  /** Who may acknowledge a blocker (CODEOWNERS of config/): `@org/team` or `@user`. */
  readonly owners: readonly string[];
}

export type InitResult =
  | {
      readonly ok: true;
      readonly written: readonly string[];
      readonly packageJson: 'created' | 'extended' | 'unchanged';
    }
  | { readonly ok: false; readonly problem: string };

/** The npm scripts the repository gets: each one the CLI. */
export const SCRIPTS: Readonly<Record<string, string>> = {
  synth: 'axon-deploy synth',
  review: 'axon-deploy review',
  validate: 'axon-deploy validate',
  schema: 'axon-deploy schema',
  check: 'axon-deploy synth --check && axon-deploy schema --check && axon-deploy validate',
};

/** The problem with a name given on the command line, if any. */
export function nameProblem(what: string, value: string, max: number): string | undefined {
  const problem = dnsLabelProblem(value, max);
  return problem ? `${what} ${JSON.stringify(value)}: ${problem}` : undefined;
}

export function scaffold(options: InitOptions): InitResult {
  const v: TemplateValues = options;
  const { workflows } = shippedAssets();
  const files: [string, string][] = [
    ['.gitignore', gitignore()],
    ['README.md', readme(v)],
    ['.github/workflows/axon-deploy.yml', ciWorkflow(workflows)],
    ['.github/workflows/axon-deploy-review.yml', reviewWorkflow(workflows)],
    ['.github/CODEOWNERS', codeOwners(options.owners)],
    ['.github/workflows/axon-deploy-review-trigger.yml', reviewTriggerWorkflow(workflows)],
    ['config/_base.yaml', baseConfig(v)],
    [`config/${options.environment}.yaml`, environmentConfig(v)],
    ...schemaFiles('config').map(([f, c]): [string, string] => [f.split(path.sep).join('/'), c]),
  ];
  const inTheWay = files.map(([f]) => f).filter((f) => fs.existsSync(path.join(options.dir, f)));
  if (inTheWay.length > 0) {
    return {
      ok: false,
      problem: `these files exist already and init never overwrites: ${inTheWay.join(', ')}; move them away or init another directory`,
    };
  }
  const manifest = packageJson(options);
  if ('problem' in manifest) return { ok: false, problem: manifest.problem };
  for (const [file, content] of files) {
    fs.mkdirSync(path.dirname(path.join(options.dir, file)), { recursive: true });
    fs.writeFileSync(path.join(options.dir, file), content, { flag: 'wx' });
  }
  if (manifest.content !== undefined) fs.writeFileSync(path.join(options.dir, 'package.json'), manifest.content);
  return { ok: true, written: files.map(([f]) => f), packageJson: manifest.state };
}

/**
 * A new package.json, or an existing one extended: missing scripts added, the tool added as a
 * devDependency unless the package already depends on it. Nothing it has is changed.
 */
function packageJson(
  options: InitOptions,
): { content?: string; state: 'created' | 'extended' | 'unchanged' } | { problem: string } {
  const file = path.join(options.dir, 'package.json');
  if (!fs.existsSync(file)) {
    const name =
      path
        .basename(path.resolve(options.dir))
        .toLowerCase()
        .replace(/[^a-z0-9-._]+/g, '-')
        .replace(/^[-._]+/, '') || 'deployment';
    const content = {
      name,
      private: true,
      description: 'Axon Server and Axon Framework apps on Kubernetes, rendered by axon-deploy',
      scripts: SCRIPTS,
      devDependencies: { [PACKAGE_NAME]: options.version },
    };
    return { content: `${JSON.stringify(content, null, 2)}\n`, state: 'created' };
  }
  let current: Record<string, unknown>;
  try {
    current = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (current === null || typeof current !== 'object' || Array.isArray(current)) throw new Error('not an object');
  } catch (err) {
    return {
      problem: `package.json exists but is not a JSON object (${(err as Error).message}): fix it or init another directory`,
    };
  }
  const scripts = { ...(current.scripts as Record<string, string> | undefined) };
  const added = Object.entries(SCRIPTS).filter(([k]) => scripts[k] === undefined);
  for (const [k, cmd] of added) scripts[k] = cmd;
  const deps = { ...(current.dependencies as Record<string, string> | undefined) };
  const devDeps = { ...(current.devDependencies as Record<string, string> | undefined) };
  const needsTool = deps[PACKAGE_NAME] === undefined && devDeps[PACKAGE_NAME] === undefined;
  if (needsTool) devDeps[PACKAGE_NAME] = options.version;
  if (added.length === 0 && !needsTool) return { state: 'unchanged' };
  const next = { ...current, scripts, ...(needsTool ? { devDependencies: devDeps } : {}) };
  return { content: `${JSON.stringify(next, null, 2)}\n`, state: 'extended' };
}
