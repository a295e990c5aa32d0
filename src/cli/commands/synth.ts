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
import { formatDiagnostic, hasErrors } from '../../config/diagnostics';
import type { EnvironmentModel } from '../../model/types';
import { readTree, writeTree, writeTreeAtomically } from '../../synth/output';
import { CLUSTER_CRDS_FILE, OutputTree, renderOutput } from '../../synth/render';
import { differingFiles } from '../../review/snapshot';
import { Command, flag, stringOption } from '../args';

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
    const configDir = stringOption(args, 'config', 'config');
    const explicitOut = typeof args.values.out === 'string';
    // Under `cdk8s synth` the CLI names the output directory (a temporary one for --stdout).
    const cdk8sOut = io.env.CDK8S_OUTDIR;
    const outDir = stringOption(args, 'out', !explicitOut && cdk8sOut ? cdk8sOut : 'dist');
    const { inputs, diagnostics } = buildAll(configDir, io.cwd);
    for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    if (hasErrors(diagnostics)) {
      const count = diagnostics.filter((d) => d.severity === 'error').length;
      io.stderr(`\n${count} error${count === 1 ? '' : 's'}: nothing written; ${outDir}/ is unchanged.\n`);
      return 1;
    }
    const tree = renderOutput(inputs);
    const target = path.resolve(io.cwd, outDir);
    if (flag(args, 'check')) return check(tree, target, outDir, configDir, io.stdout, io.stderr);
    if (!explicitOut && cdk8sOut) writeTree(target, tree);
    else writeTreeAtomically(target, tree);
    const counts = objectCounts(tree);
    for (const { model } of inputs) io.stdout(summary(model, counts.get(model.name) ?? 0, outDir));
    if (tree.has(CLUSTER_CRDS_FILE))
      io.stdout(
        `${outDir}/cluster: the rollout controller's resource definitions and Argo CD health checks; once per cluster, by a cluster admin: kubectl apply -k ${outDir}/cluster, and the argocd-cm patch there\n`,
      );
    return 0;
  },
};

function check(
  tree: OutputTree,
  target: string,
  outDir: string,
  configDir: string,
  stdout: (t: string) => void,
  stderr: (t: string) => void,
): number {
  const committed = readTree(target);
  const stale = differingFiles(tree, committed);
  if (stale.length === 0) {
    stdout(`${outDir}/ is what ${configDir}/ produces (${tree.size} files)\n`);
    return 0;
  }
  stderr(`${outDir}/ is not what ${configDir}/ produces; run axon-deploy synth and commit the result:\n`);
  const state = (file: string) => (!tree.has(file) ? 'extra  ' : committed.has(file) ? 'differs' : 'missing');
  for (const file of stale) stderr(`  ${state(file)}  ${outDir}/${file}\n`);
  return 1;
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
