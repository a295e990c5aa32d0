/**
 * Command-line options, declared once per command: parsed with Node's own `util.parseArgs`
 * (strict: an unknown option is a usage error) and rendered into `--help`.
 */
import { parseArgs } from 'node:util';

export interface OptionSpec {
  readonly name: string;
  readonly short?: string;
  readonly type: 'string' | 'boolean';
  /** May be given several times (string options). */
  readonly multiple?: boolean;
  /** Shown in the help, e.g. `<dir>`. */
  readonly value?: string;
  /** The default, as shown in the help (and applied by the command). */
  readonly default?: string;
  readonly description: string;
}

export interface CommandIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** What positional arguments look like, e.g. `[dir]`; none when absent. */
  readonly positionals?: string;
  /** The longest list of positionals accepted. */
  readonly maxPositionals?: number;
  readonly options: readonly OptionSpec[];
  /** Paragraphs after the options. */
  readonly notes?: readonly string[];
  /** Exit statuses, in order. */
  readonly exitCodes: readonly (readonly [number, string])[];
  run(args: ParsedArgs, io: CommandIo): number | Promise<number>;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** A mistake in how the command was called: exit status 2 with the message and a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Options every command accepts. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', description: 'Show this help and exit.' },
  { name: 'version', short: 'V', type: 'boolean', description: 'Print the version of axon-deploy and exit.' },
];

export function parseCommandArgs(command: Command, argv: readonly string[]): ParsedArgs {
  const options = Object.fromEntries(
    [...command.options, ...COMMON_OPTIONS].map((o) => [
      o.name,
      {
        type: o.type,
        ...(o.short ? { short: o.short } : {}),
        ...(o.multiple ? { multiple: true } : {}),
      },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(describeParseError(err as Error & { code?: string }));
  }
  const max = command.maxPositionals ?? 0;
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals.slice(max).join(' ');
    throw new UsageError(
      max === 0 ? `${command.name} takes no arguments, got ${extra}` : `too many arguments: ${extra}`,
    );
  }
  for (const o of command.options) {
    const v = (parsed.values as Record<string, unknown>)[o.name];
    if (o.type === 'string' && (v === '' || (Array.isArray(v) && v.includes(''))))
      throw new UsageError(`--${o.name} needs a value${o.value ? ` (${o.value})` : ''}`);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** Node's messages, shortened to what a user needs. */
function describeParseError(err: Error & { code?: string }): string {
  const option = /'(-[^'\s]+)/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? err.message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option && /argument missing/.test(err.message)
        ? `${option.split(' ')[0]} needs a value`
        : err.message.split('\n')[0];
    default:
      return err.message.split('\n')[0];
  }
}

/** The help text of a command: usage, options with defaults, notes, exit statuses. */
export function commandHelp(command: Command): string {
  const usage = [
    `axon-deploy ${command.name}`,
    ...(command.positionals ? [command.positionals] : []),
    ...command.options.map(
      (o) => `[--${o.name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}]${o.multiple ? '...' : ''}`,
    ),
  ].join(' ');
  const all = [...command.options, ...COMMON_OPTIONS];
  const left = all.map(
    (o) => `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`,
  );
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const rows = all.map(
    (o, i) => `  ${left[i].padEnd(width)}${o.description}${o.default !== undefined ? ` (default: ${o.default})` : ''}`,
  );
  return [
    `axon-deploy ${command.name}: ${command.summary}`,
    '',
    `Usage: ${usage}`,
    '',
    'Options:',
    ...rows,
    ...(command.notes && command.notes.length > 0
      ? ['', ...command.notes.flatMap((n, i) => (i === 0 ? [n] : ['', n]))]
      : []),
    '',
    'Exit status:',
    ...command.exitCodes.map(([code, what]) => `  ${code}  ${what}`),
    '',
  ].join('\n');
}

/** A string option's value (or its default). */
export const stringOption = (args: ParsedArgs, name: string, fallback: string): string => {
  const v = args.values[name];
  return typeof v === 'string' ? v : fallback;
};

export const flag = (args: ParsedArgs, name: string): boolean => args.values[name] === true;

export const listOption = (args: ParsedArgs, name: string): string[] => {
  const v = args.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
};

/** The value of a `--format` option, one of `formats` (the first is the default). */
export function formatOption<F extends string>(args: ParsedArgs, formats: readonly [F, ...F[]]): F {
  const value = stringOption(args, 'format', formats[0]);
  const known = formats.find((f) => f === value);
  if (!known) throw new UsageError(`--format ${value}: expected ${formats.join(' or ')}`);
  return known;
}

/** A `--format` option: `formats[0]` for people, the default, and the others. */
export function formatSpec(formats: readonly string[], description: string): OptionSpec {
  return { name: 'format', type: 'string', value: formats.join('|'), default: formats[0], description };
}
