/**
 * The axon-deploy command line: `axon-deploy <command> [options]`.
 *
 * Exit status: 0 success, 1 configuration errors or review blockers, 2 usage errors. A user's
 * mistake never shows a stack trace; set AXON_DEPLOY_DEBUG=1 to see one for an internal error.
 */
import { toolVersion } from '../package-info';
import { Command, CommandIo, commandHelp, parseCommandArgs, UsageError } from './args';
import { controllerCommand } from './commands/controller';
import { initCommand } from './commands/init';
import { restoreCommand } from './commands/restore';
import { reviewCommand } from './commands/review';
import { schemaCommand } from './commands/schema';
import { statusCommand } from './commands/status';
import { synthCommand } from './commands/synth';
import { validateCommand } from './commands/validate';

export type { CommandIo } from './args';

export const COMMANDS: readonly Command[] = [
  initCommand,
  synthCommand,
  reviewCommand,
  validateCommand,
  statusCommand,
  controllerCommand,
  restoreCommand,
  schemaCommand,
];

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'axon-deploy: Axon Server clusters and Axon Framework apps on Kubernetes, from one YAML file per environment.',
    '',
    'Usage: axon-deploy <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Options:',
    '  -h, --help       Show this help (or `axon-deploy <command> --help` for a command) and exit.',
    '  -V, --version    Print the version and exit.',
    '',
    'Exit status: 0 success, 1 configuration errors or review blockers, 2 usage errors.',
    '',
  ].join('\n');
}

/** Runs one command line; returns the exit status. */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    if (first === undefined) {
      io.stderr(mainHelp());
      return 2;
    }
    io.stdout(topic ? commandHelp(topic) : mainHelp());
    return 0;
  }
  if (first === '-V' || first === '--version') {
    io.stdout(`${toolVersion()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.stderr(
      `axon-deploy: unknown command ${JSON.stringify(first)}; commands: ${COMMANDS.map((c) => c.name).join(', ')}\nRun axon-deploy --help for usage.\n`,
    );
    return 2;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help === true) {
      io.stdout(commandHelp(command));
      return 0;
    }
    if (args.values.version === true) {
      io.stdout(`${toolVersion()}\n`);
      return 0;
    }
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`axon-deploy ${command.name}: ${err.message}\nRun axon-deploy ${command.name} --help for usage.\n`);
      return 2;
    }
    const e = err as Error & { code?: string };
    io.stderr(`axon-deploy ${command.name}: ${e.code ? `${e.code}: ` : ''}${e.message}\n`);
    if (io.env.AXON_DEPLOY_DEBUG) io.stderr(`${e.stack ?? ''}\n`);
    return 1;
  }
}
