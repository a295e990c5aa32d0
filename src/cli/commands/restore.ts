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
import { shippedAssets } from '../../assets';
import { RestorePlan, restorePlan, RestoreRefused, RUN_ID } from '../../model/restore';
import { Command, stringOption, UsageError } from '../args';
import { docRef } from '../../domain/docs';

export const restoreCommand: Command = {
  name: 'restore',
  summary: `print the volume claims that restore Axon Server nodes from a backup run (the procedure: ${docRef('restore')})`,
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
  notes: [
    `Apply them only while the nodes' StatefulSets and old claims are gone: ${docRef('restore')} says how, step by step.`,
  ],
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
    let plan: RestorePlan;
    try {
      plan = restorePlan(input.model, run, nodes, shippedAssets());
    } catch (err) {
      if (err instanceof RestoreRefused) {
        io.stderr(`axon-deploy restore: refused: ${err.message}\n`);
        return 2;
      }
      throw new UsageError((err as Error).message);
    }
    const app = new App();
    new RestoreChart(app, 'restore', { namespace: input.model.namespace, plan, run });
    const text = restoreHeader(env, run, plan) + app.synthYaml();
    const out = typeof args.values.output === 'string' ? args.values.output : undefined;
    if (out) {
      fs.writeFileSync(path.resolve(io.cwd, out), text);
      io.stderr(`wrote ${plan.claims.length} claims and ${plan.configDbJobs.length} config-database Jobs to ${out}\n`);
    } else {
      io.stdout(text);
    }
    return 0;
  },
};

function restoreHeader(env: string, run: string, plan: RestorePlan): string {
  const lines = [
    `Restore of ${env} from backup run ${run}: ${plan.nodes.join(', ')}.`,
    `Apply only while these nodes' StatefulSets and claims are gone (${docRef('restore')}).`,
    ...(plan.configDbJobs.length > 0
      ? [
          `Wait for the Jobs ${plan.configDbJobs.map((j) => j.meta.name).join(', ')} to complete (the consistent config`,
          "database back from the run's controldb<millis>.zip) before the StatefulSets come back.",
        ]
      : []),
    ...(plan.nonVoters.length > 0
      ? [`${plan.nonVoters.join(', ')} vote in no group: they catch up from their groups' leaders.`]
      : []),
  ];
  return lines.map((l) => `# ${l}\n`).join('');
}
