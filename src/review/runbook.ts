/**
 * Commands the review prints for an environment: the Axon Server CLI aimed at one of its `_admin`
 * nodes, with its TLS and token, built by the one CLI module (domain/axon-cli.ts).
 */
import { CliArg, cliCommand, CliCommandName, cliTrustStoreStep } from '../domain/axon-cli';
import { ADMIN_GROUP } from '../domain/roles';
import type { EnvironmentModel } from '../model/types';

/** A CLI command for this environment, in backquotes, sent to an `_admin` node other than `avoid`. */
export function cliFor(
  model: EnvironmentModel,
  avoid?: string,
): (command: CliCommandName, args: readonly CliArg[]) => string {
  const ax = model.axonServer;
  const admins = ax.replicationGroups.find((g) => g.name === ADMIN_GROUP)?.roles.map((r) => r.node) ?? [];
  const node = admins.find((n) => n !== avoid) ?? ax.nodes.find((n) => n.name !== avoid)?.name ?? ax.firstNode;
  const target = { namespace: model.namespace, node, https: ax.tls?.http ?? false, token: ax.systemToken };
  return (command, args) => `\`${cliCommand(command, args, target)}\``;
}

/** With HTTPS on 8024: how to build the trust store the printed commands use. */
export function cliPreparation(model: EnvironmentModel): string[] {
  const tls = model.axonServer.tls;
  if (!tls?.http) return [];
  return [
    `The commands trust the cluster's CA through a Java trust store; build it once: \`${cliTrustStoreStep(model.namespace, tls.ca)}\``,
  ];
}
