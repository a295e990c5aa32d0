/**
 * axon-deploy synth: config/ -> dist/.
 *
 *   load config/*.yaml -> validate -> model -> constructs -> dist/<env>/*.yaml
 *
 * The synth's entry point (run by scripts/synth.cjs), and with the loader the only code of the
 * synth that touches files or the process environment. On any configuration error it prints
 * every problem, exits 1 and writes nothing.
 */
import * as path from 'node:path';
import { buildAll } from './build';
import { formatDiagnostic, hasErrors } from './config/diagnostics';
import { writeTree, writeTreeAtomically } from './synth/output';
import { renderOutput } from './synth/render';

interface Options {
  readonly configDir: string;
  readonly outDir: string;
}

const USAGE = 'usage: npm run synth [-- --config <dir>] [--out <dir>]';

function parseArgs(argv: readonly string[]): Options | string {
  let configDir = 'config';
  let outDir = 'dist';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config' && argv[i + 1]) configDir = argv[++i];
    else if (arg === '--out' && argv[i + 1]) outDir = argv[++i];
    else return `unknown argument ${arg}\n${USAGE}`;
  }
  return { configDir, outDir };
}

export interface Io {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Runs the synth; returns the exit status. */
export function run(argv: readonly string[], io: Io): number {
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    io.stderr(`${options}\n`);
    return 2;
  }
  const { inputs, diagnostics } = buildAll(options.configDir, io.cwd);
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (hasErrors(diagnostics)) {
    const count = diagnostics.filter((d) => d.severity === 'error').length;
    io.stderr(`\n${count} error${count === 1 ? '' : 's'}: nothing written; ${options.outDir}/ is unchanged.\n`);
    return 1;
  }
  const tree = renderOutput(inputs);
  const outDir = path.resolve(io.cwd, options.outDir);
  writeTreeAtomically(outDir, tree);
  // Under `cdk8s synth`, also fill the CLI's scratch directory so it can list (and validate) the output.
  const cliOut = io.env.CDK8S_OUTDIR;
  if (cliOut && path.resolve(io.cwd, cliOut) !== outDir) writeTree(path.resolve(io.cwd, cliOut), tree);
  for (const { model } of inputs) {
    const objects = [...tree.keys()].filter((f) => f.startsWith(`${model.name}/`) && f.endsWith('.yaml') && !f.endsWith('/kustomization.yaml')).length;
    io.stdout(`${options.outDir}/${model.name}: ${objects} objects${model.argocd ? `; Argo CD Application: ${options.outDir}/argocd/${model.name}.yaml` : ''}\n`);
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}
