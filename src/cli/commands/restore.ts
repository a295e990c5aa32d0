/**
 * axon-deploy restore: prints the PersistentVolumeClaims that restore nodes from a backup run
 * (created from its VolumeSnapshots), for `kubectl apply -f -` during the restore procedure in
 * the README. Writes nothing to dist/: a restore is a one-off, not a desired state.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { buildAll } from '../../build';
import { formatDiagnostic, hasErrors } from '../../config/diagnostics';
import { RestoreChart } from '../../charts/restore';
import { restoreClaims, RUN_ID } from '../../model/restore';
import { Command, stringOption, UsageError } from '../args';

export const restoreCommand: Command = {
  name: 'restore',
  summary:
    "print the volume claims that restore Axon Server nodes from a backup run (see the README's restore procedure)",
  positionals: '<environment>',
  maxPositionals: 1,
  options: [
    {
      name: 'run',
      type: 'string',
      value: '<run>',
      description:
        'The backup run, as the backup Job names it (its UTC start time, e.g. 20261201t020000z; `kubectl get volumesnapshots -L axon-deploy.io/backup-run` lists them).',
    },
    {
      name: 'node',
      type: 'string',
      multiple: true,
      value: '<name>',
      default: 'every node',
      description: 'A node to restore; repeat for several.',
    },
    {
      name: 'config',
      type: 'string',
      value: '<dir>',
      default: 'config',
      description: 'Directory of the environment files.',
    },
    {
      name: 'output',
      type: 'string',
      value: '<file>',
      default: 'standard output',
      description: 'Write the manifests to this file.',
    },
  ],
  notes: ["Apply them only while the nodes' StatefulSets and old claims are gone: the README says how, step by step."],
  exitCodes: [
    [0, 'printed'],
    [1, 'the configuration has errors'],
    [2, 'usage error (no such environment, node or run)'],
  ],
  run(args, io) {
    const env = args.positionals[0];
    if (!env) throw new UsageError('which environment? e.g. axon-deploy restore prod --run 20261201t020000z');
    const run = typeof args.values.run === 'string' ? args.values.run : undefined;
    if (!run) throw new UsageError('--run <run> is required: the backup run to restore (e.g. 20261201t020000z)');
    if (!RUN_ID.test(run))
      throw new UsageError(
        `--run ${JSON.stringify(run)} is not a backup run: expected its UTC start time like 20261201t020000z`,
      );
    const { inputs, diagnostics } = buildAll(stringOption(args, 'config', 'config'), io.cwd);
    if (hasErrors(diagnostics)) {
      for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
      return 1;
    }
    const input = inputs.find((i) => i.model.name === env);
    if (!input)
      throw new UsageError(
        `no environment ${env}; environments: ${inputs.map((i) => i.model.name).join(', ') || '(none)'}`,
      );
    const nodes = Array.isArray(args.values.node) ? args.values.node : [];
    let claims;
    try {
      claims = restoreClaims(input.model, run, nodes);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const app = new App();
    new RestoreChart(app, 'restore', { namespace: input.model.namespace, claims });
    const header = `# Restore of ${env} from backup run ${run}: ${[...new Set(claims.map((c) => c.node))].join(', ')}.\n# Apply only while these nodes' StatefulSets and claims are gone (README, "Restoring from a backup").\n`;
    const text = header + app.synthYaml();
    const out = typeof args.values.output === 'string' ? args.values.output : undefined;
    if (out) {
      fs.writeFileSync(path.resolve(io.cwd, out), text);
      io.stderr(`wrote ${claims.length} claims to ${out}\n`);
    } else {
      io.stdout(text);
    }
    return 0;
  },
};
