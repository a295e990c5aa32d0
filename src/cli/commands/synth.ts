/**
 * axon-deploy synth: config/ -> dist/.
 *
 *   load config/*.yaml -> validate -> model -> constructs -> dist/<env>/*.yaml
 *
 * On any configuration error it prints every problem, exits 1 and writes nothing. Under
 * `cdk8s synth` (CDK8S_OUTDIR set) it writes only where the cdk8s CLI says.
 */
import * as path from 'node:path';
import { buildAll } from '../../build';
import { formatDiagnostic, formatPath, hasErrors } from '../../config/diagnostics';
import type { EnvironmentModel } from '../../model/types';
import { readTree, writeTree, writeTreeAtomically } from '../../synth/output';
import { CLUSTER_CRDS_FILE, OutputTree, renderOutput } from '../../synth/render';
import { differingFiles } from '../../review/snapshot';
import type { Diagnostic } from '../../config/diagnostics';
import { Command, CommandIo, flag, formatOption, formatSpec, stringOption } from '../args';

/** Bumped when a field of the JSON summary changes meaning or goes away. */
export const SYNTH_JSON_VERSION = 1;

/** `synth --format json`: what a bot needs to know of a synth (docs/reference/cli.md). */
export interface SynthJson {
  readonly version: typeof SYNTH_JSON_VERSION;
  /** Written (or, with --check, current). */
  readonly ok: boolean;
  readonly out: string;
  readonly diagnostics: readonly {
    readonly severity: Diagnostic['severity'];
    readonly file?: string;
    readonly line?: number;
    readonly column?: number;
    readonly field: string;
    readonly message: string;
  }[];
  readonly environments: readonly {
    readonly name: string;
    readonly namespace: string;
    readonly objects: number;
    readonly argocd?: string;
    readonly secrets: readonly { readonly name: string; readonly keys: readonly string[] }[];
    readonly defaults: readonly string[];
  }[];
  /** With --check: the files where the output directory is not what the config produces. */
  readonly stale?: readonly { readonly file: string; readonly state: 'differs' | 'missing' | 'extra' }[];
}

export const synthCommand: Command = {
  name: 'synth',
  summary: 'validate the environment files and write the manifests',
  options: [
    {
      name: 'config',
      type: 'string',
      value: '<dir>',
      default: 'config',
      description: 'Directory of the environment files (<env>.yaml, shared _*.yaml bases).',
    },
    {
      name: 'out',
      type: 'string',
      value: '<dir>',
      default: 'dist, or under `cdk8s synth` the directory the cdk8s CLI gives',
      description: 'Output directory, replaced as a whole.',
    },
    {
      name: 'check',
      type: 'boolean',
      description:
        'Write nothing; report the files where the output directory is not what the config produces (for CI).',
    },
    formatSpec(
      ['text', 'json'],
      'text for people; json for bots: { version, ok, out, diagnostics, environments, stale } on stdout (the SynthJson type of the library), the exit status as with text.',
    ),
  ],
  notes: [
    'Every problem in every file is reported at once, as file:line:col field: message. On an error nothing is written and the output directory stays as it was.',
  ],
  exitCodes: [
    [0, 'success (with --check: the output is current)'],
    [1, 'configuration errors, nothing written (with --check: the output is not what the config produces)'],
    [2, 'usage error'],
  ],
  run(args, io) {
    const format = formatOption(args, ['text', 'json']);
    const configDir = stringOption(args, 'config', 'config');
    const explicitOut = typeof args.values.out === 'string';
    // Under `cdk8s synth` the CLI names the output directory (a temporary one for --stdout).
    const cdk8sOut = io.env.CDK8S_OUTDIR;
    const outDir = stringOption(args, 'out', !explicitOut && cdk8sOut ? cdk8sOut : 'dist');
    const { inputs, diagnostics } = buildAll(configDir, io.cwd);
    const json = (ok: boolean, tree?: OutputTree, stale?: SynthJson['stale']) =>
      io.stdout(`${JSON.stringify(synthJson(ok, outDir, diagnostics, tree && inputs, tree, stale), null, 2)}\n`);
    if (format === 'text') for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    if (hasErrors(diagnostics)) {
      const count = diagnostics.filter((d) => d.severity === 'error').length;
      if (format === 'json') json(false);
      else io.stderr(`\n${count} error${count === 1 ? '' : 's'}: nothing written; ${outDir}/ is unchanged.\n`);
      return 1;
    }
    const tree = renderOutput(inputs);
    const target = path.resolve(io.cwd, outDir);
    if (flag(args, 'check')) {
      const stale = staleFiles(tree, target);
      if (format === 'json') json(stale.length === 0, tree, stale);
      else report(stale, tree.size, outDir, configDir, io);
      return stale.length === 0 ? 0 : 1;
    }
    if (!explicitOut && cdk8sOut) writeTree(target, tree);
    else writeTreeAtomically(target, tree);
    if (format === 'json') {
      json(true, tree);
      return 0;
    }
    const counts = objectCounts(tree);
    for (const { model } of inputs) io.stdout(summary(model, counts.get(model.name) ?? 0, outDir));
    if (tree.has(CLUSTER_CRDS_FILE))
      io.stdout(
        `${outDir}/cluster: the rollout controller's resource definitions and Argo CD health checks; once per cluster, by a cluster admin: kubectl apply -k ${outDir}/cluster, and the argocd-cm patch there\n`,
      );
    return 0;
  },
};

function synthJson(
  ok: boolean,
  out: string,
  diagnostics: readonly Diagnostic[],
  inputs: readonly { readonly model: EnvironmentModel }[] | undefined,
  tree: OutputTree | undefined,
  stale: SynthJson['stale'],
): SynthJson {
  const counts = tree ? objectCounts(tree) : new Map<string, number>();
  return {
    version: SYNTH_JSON_VERSION,
    ok,
    out,
    diagnostics: diagnostics.map((d) => ({
      severity: d.severity,
      file: d.position?.file,
      line: d.position?.line,
      column: d.position?.col,
      field: formatPath(d.path),
      message: d.message,
    })),
    environments: (inputs ?? []).map(({ model }) => ({
      name: model.name,
      namespace: model.namespace,
      objects: counts.get(model.name) ?? 0,
      argocd: model.argocd ? `${out}/argocd/${model.name}.yaml` : undefined,
      secrets: model.secrets.map((s) => ({ name: s.name, keys: s.keys })),
      defaults: model.axonServer.defaults,
    })),
    ...(stale ? { stale } : {}),
  };
}

/** The files where `target` is not `tree`: differing, missing from it, or extra in it. */
function staleFiles(tree: OutputTree, target: string): NonNullable<SynthJson['stale']> {
  const committed = readTree(target);
  return differingFiles(tree, committed).map((file) => ({
    file,
    state: !tree.has(file) ? 'extra' : committed.has(file) ? 'differs' : 'missing',
  }));
}

function report(
  stale: NonNullable<SynthJson['stale']>,
  files: number,
  outDir: string,
  configDir: string,
  io: CommandIo,
): void {
  if (stale.length === 0) {
    io.stdout(`${outDir}/ is what ${configDir}/ produces (${files} files)\n`);
    return;
  }
  io.stderr(`${outDir}/ is not what ${configDir}/ produces; run axon-deploy synth and commit the result:\n`);
  for (const { file, state } of stale) io.stderr(`  ${state.padEnd(7)}  ${outDir}/${file}\n`);
}

/** Objects per environment: its YAML files except kustomizations (one pass: linear in the files). */
function objectCounts(tree: OutputTree): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of tree.keys()) {
    if (!file.endsWith('.yaml') || file.endsWith('/kustomization.yaml') || file.startsWith('cluster/')) continue;
    const env = file.slice(0, file.indexOf('/'));
    counts.set(env, (counts.get(env) ?? 0) + 1);
  }
  return counts;
}

function summary(model: EnvironmentModel, objects: number, outDir: string): string {
  const lines = [
    `${outDir}/${model.name}: ${objects} objects${model.argocd ? `; Argo CD Applications: ${outDir}/argocd/${model.name}.yaml` : ''}`,
  ];
  for (const d of model.axonServer.defaults) lines.push(`  default: ${d}`);
  if (model.secrets.length > 0)
    lines.push(
      `  needs Secrets in ${model.namespace}: ${model.secrets.map((s) => s.name).join(', ')} (see ${outDir}/${model.name}/TOPOLOGY.md)`,
    );
  return `${lines.join('\n')}\n`;
}
