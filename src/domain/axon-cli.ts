/**
 * The Axon Server command line (`axonserver-cli.jar`) as axon-deploy prints it in reviews and
 * runbooks: one option table per command, and one builder that refuses any flag the table does
 * not have, so a printed command cannot drift from what the CLI accepts.
 *
 * Option tables from the CLI's own definitions: AxonIQ/axon-server-se
 * `axonserver-cli/src/main/java/io/axoniq/cli/CommandOptions.java` and each command class's
 * `run()` (RegisterReplicationGroup, AddNodeToReplicationGroup, DeleteNodeFromReplicationGroup,
 * RegisterContext, RegisterApplication, UnregisterNode, …); the global options come from
 * `AxonIQCliCommand.processCommandLine()`. `-s` is the global `--https`; secondaries are `-sec`
 * (the 2023.1 release notes fixed replication-group creation together with `-s`). The CLI has no
 * CA option: it builds its HTTPS client with `useSystemProperties()`, so a private CA is given to
 * the JVM as a trust store (`-Djavax.net.ssl.trustStore`).
 */

export const CLI_JAR = 'axonserver-cli.jar';

export interface CliOption {
  readonly short?: string;
  readonly long: string;
  /** The option takes a value. */
  readonly value: boolean;
  readonly required?: boolean;
}

const opt = (short: string | undefined, long: string, value: boolean, required = false): CliOption => ({
  short,
  long,
  value,
  required,
});

/** Options every command takes. */
export const CLI_GLOBAL_OPTIONS: readonly CliOption[] = [
  opt('S', 'server', true),
  opt('s', 'https', false),
  opt('i', 'insecure-ssl', false),
  opt('o', 'output', true),
  opt('t', 'access-token', true),
];

const group = opt('g', 'replication-group', true, true);
const roleLists = [
  opt('n', 'nodes', true),
  opt('a', 'active-backup', true),
  opt('p', 'passive-backup', true),
  opt('m', 'messaging-only', true),
  opt('sec', 'secondary', true),
];
const preserve = opt(undefined, 'preserve-event-store', false);

export const CLI_COMMANDS = {
  'register-replication-group': [group, ...roleLists],
  'delete-replication-group': [group, preserve],
  'add-node-to-replication-group': [group, opt('n', 'node', true, true), opt('r', 'role', true)],
  'delete-node-from-replication-group': [group, opt('n', 'node', true, true), preserve],
  'register-context': [
    opt('c', 'context', true, true),
    opt('g', 'replication-group', true),
    ...roleLists,
    opt('prop', 'property', true),
  ],
  'delete-context': [opt('c', 'context', true, true), preserve],
  'register-application': [
    opt('a', 'application', true, true),
    opt('r', 'roles', true, true),
    opt('d', 'description', true),
    opt('T', 'token', true),
    opt('prop', 'property', true),
  ],
  'delete-application': [opt('a', 'application', true, true)],
  'unregister-node': [opt('n', 'node', true, true)],
} as const satisfies Readonly<Record<string, readonly CliOption[]>>;

export type CliCommandName = keyof typeof CLI_COMMANDS;

/** The list flag of `register-replication-group` / `register-context` for each role. */
export const CLI_ROLE_FLAGS = {
  PRIMARY: '-n',
  ACTIVE_BACKUP: '-a',
  PASSIVE_BACKUP: '-p',
  MESSAGING_ONLY: '-m',
  SECONDARY: '-sec',
} as const;

/** How the CLI reaches a cluster: the URL of an `_admin` node, the token, the CA. */
export interface CliTarget {
  readonly namespace: string;
  /** A node to send the command to (an `_admin` member for cluster changes). */
  readonly node: string;
  /** HTTPS on 8024. */
  readonly https: boolean;
  /** The system token's Secret, read with kubectl at the prompt (never printed). */
  readonly token?: { readonly name: string; readonly key: string };
}

/** A value taken from a shell expression at the prompt (e.g. a token read with kubectl). */
export interface ShellValue {
  readonly shell: string;
}

/** A flag and its value, e.g. ['-g', 'orders']; a flag alone for switches. */
export type CliArg = readonly [flag: string, value?: string | ShellValue];

/** `java -jar axonserver-cli.jar <command> <args> -S <url> -t "$(kubectl …)"`, checked against the table. */
export function cliCommand(command: CliCommandName, args: readonly CliArg[], target: CliTarget): string {
  const problems = cliProblems(command, args);
  if (problems.length > 0) throw new Error(`axonserver-cli ${command}: ${problems.join('; ')}`);
  const scheme = target.https ? 'https' : 'http';
  const server = `${scheme}://${target.node}.${target.namespace}.svc.cluster.local:8024`;
  const token = target.token ? ` -t ${quote(secretAtPrompt(target.namespace, target.token))}` : '';
  // A private CA reaches the CLI as the JVM's trust store (see the module comment).
  const java = target.https
    ? 'java -Djavax.net.ssl.trustStore=axonserver-ca.p12 -Djavax.net.ssl.trustStorePassword=changeit'
    : 'java';
  const rendered = args.map(([flag, value]) => (value === undefined ? flag : `${flag} ${quote(value)}`)).join(' ');
  return `${java} -jar ${CLI_JAR} ${command} ${rendered} -S ${server}${token}`;
}

/** How to build the trust store the HTTPS commands name, from the cluster's CA. */
export function cliTrustStoreStep(namespace: string, ca: { kind: string; name: string; key: string }): string {
  const read =
    ca.kind === 'Secret'
      ? `kubectl -n ${namespace} get secret ${ca.name} -o jsonpath='{.data.${ca.key.replace(/\./g, '\\.')}}' | base64 -d`
      : `kubectl -n ${namespace} get configmap ${ca.name} -o jsonpath='{.data.${ca.key.replace(/\./g, '\\.')}}'`;
  return `${read} > axonserver-ca.crt && keytool -importcert -noprompt -alias axonserver-ca -file axonserver-ca.crt -keystore axonserver-ca.p12 -storetype PKCS12 -storepass changeit`;
}

/** What is wrong with these arguments for this command (unknown, missing or value-less flags). */
export function cliProblems(command: string, args: readonly CliArg[]): string[] {
  const own = (CLI_COMMANDS as Readonly<Record<string, readonly CliOption[]>>)[command];
  if (!own) return [`unknown command ${command}`];
  const all = [...own, ...CLI_GLOBAL_OPTIONS];
  const find = (flag: string) =>
    all.find((o) => (flag.startsWith('--') ? o.long === flag.slice(2) : o.short === flag.slice(1)));
  const problems: string[] = [];
  const seen = new Set<CliOption>();
  for (const [flag, value] of args) {
    const option = find(flag);
    if (!option) problems.push(`${flag} is not an option of ${command}`);
    else if (option.value !== (value !== undefined)) {
      problems.push(option.value ? `${flag} needs a value` : `${flag} takes no value`);
    } else seen.add(option);
  }
  for (const o of own) if (o.required && !seen.has(o)) problems.push(`--${o.long} is required`);
  return problems;
}

function quote(value: string | ShellValue): string {
  if (typeof value !== 'string') return `"${value.shell}"`;
  return /^[\w@.,:/=+-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** `$(kubectl … get secret … | base64 -d)`: a Secret's value at the prompt, never printed. */
export function secretAtPrompt(namespace: string, secret: { readonly name: string; readonly key: string }): ShellValue {
  const key = secret.key.replace(/\./g, '\\.');
  return { shell: `$(kubectl -n ${namespace} get secret ${secret.name} -o jsonpath='{.data.${key}}' | base64 -d)` };
}
