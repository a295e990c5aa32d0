/**
 * How the commands that talk to a live cluster (status, controller) find it: the environment's
 * namespace from config/<env>.yaml (or --namespace), and the kubeconfig as kubectl finds it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfigDirectory } from '../config/loader';
import type { KubeConnection } from '../kube/config';
import { kubeconfigConnection } from '../kube/kubeconfig';
import { OptionSpec, ParsedArgs, stringOption, UsageError } from './args';

/** The options both commands take. */
export const CLUSTER_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'config',
    type: 'string',
    value: '<dir>',
    default: 'config',
    description: 'Directory of the environment files: <env>.yaml names the namespace.',
  },
  {
    name: 'namespace',
    short: 'n',
    type: 'string',
    value: '<namespace>',
    description: 'The namespace, instead of reading it from config/<env>.yaml.',
  },
  {
    name: 'kubeconfig',
    type: 'string',
    value: '<file>',
    default: '$KUBECONFIG (its first file), else ~/.kube/config',
    description: 'The kubeconfig to connect with.',
  },
  {
    name: 'context',
    type: 'string',
    value: '<name>',
    default: "the kubeconfig's current context",
    description: 'The kubeconfig context.',
  },
];

/** The namespace of the environment the command names (its first positional), or --namespace. */
export function namespaceFor(command: string, args: ParsedArgs, cwd: string): string {
  if (typeof args.values.namespace === 'string') return args.values.namespace;
  const env = args.positionals[0];
  if (!env) throw new UsageError(`${command} needs an environment (or --namespace)`);
  const configDir = stringOption(args, 'config', 'config');
  const loaded = loadConfigDirectory(path.resolve(cwd, configDir), cwd);
  const found = loaded.environments.find((e) => e.name === env);
  if (found) return found.config.namespace;
  const known = loaded.environments.map((e) => e.name);
  throw new UsageError(
    known.length > 0
      ? `no valid environment ${env} in ${configDir}/ (environments: ${known.join(', ')}); or give --namespace`
      : `no valid environment ${env} in ${configDir}/; run axon-deploy validate, or give --namespace`,
  );
}

/** The connection of the kubeconfig (--kubeconfig, else the first file of KUBECONFIG, else ~/.kube/config). */
export function clusterConnection(
  args: ParsedArgs,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): KubeConnection {
  const file = kubeconfigFile(args.values.kubeconfig, env, cwd);
  try {
    return kubeconfigConnection(file, typeof args.values.context === 'string' ? args.values.context : undefined);
  } catch (err) {
    throw new UsageError(`cannot use the kubeconfig ${file}: ${(err as Error).message}`);
  }
}

function kubeconfigFile(option: unknown, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  if (typeof option === 'string') return path.resolve(cwd, option);
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '');
  const first = fromEnv.find((f) => fs.existsSync(path.resolve(cwd, f)));
  if (first) return path.resolve(cwd, first);
  if (fromEnv.length > 0) throw new UsageError(`none of the files in KUBECONFIG exists: ${fromEnv.join(', ')}`);
  return path.join(env.HOME ?? os.homedir(), '.kube', 'config');
}
