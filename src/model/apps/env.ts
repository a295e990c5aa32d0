/**
 * The environment of an app's pods: who it is, where Axon Server is, its database; never its phase.
 */
import type { ConfigPath } from '../../config/diagnostics';
import type { AppConfig } from '../../config/schema';
import { Color } from '../../domain/phases';
import { ADMIN_GROUP, servesClients } from '../../domain/roles';
import { AXON_PORTS } from '../../domain/ports';
import { CA_FILE, CLIENT_CA_DIR } from '../tls';
import { secretLiteralProblem } from '../secret-literals';
import type { EnvVar } from '../types';
import type { AppsInput, Storage } from './context';
import { RELEASE_DIR } from './context';
import { colorDeployment } from '../../domain/names';

/** `host:8124` of each node that serves clients of the app's context. */
export function serversFor(app: AppConfig, path: ConfigPath, input: AppsInput): string {
  const { axonServer, issues } = input;
  const nodes = axonServer.nodes;
  let serving = nodes.filter((n) => n.servesClients);
  if (axonServer.edition === 'standard') {
    if (app.context !== 'default') {
      issues.error(
        [...path, 'context'],
        `a standard edition server has only the "default" context, got "${app.context}"`,
      );
    }
  } else {
    const group = axonServer.replicationGroups.find((g) => g.name !== ADMIN_GROUP && g.contexts.includes(app.context));
    if (!group) {
      const contexts = axonServer.replicationGroups.filter((g) => g.name !== ADMIN_GROUP).flatMap((g) => g.contexts);
      issues.error(
        [...path, 'context'],
        `no replication group stores context "${app.context}"; contexts: ${contexts.join(', ') || '(none)'}`,
      );
    } else {
      const clientNodes = new Set(group.roles.filter((r) => servesClients(r.role)).map((r) => r.node));
      serving = nodes.filter((n) => clientNodes.has(n.name));
    }
  }
  return serving.map((n) => `${n.fqdn}:${AXON_PORTS.grpc}`).join(',');
}

/**
 * The environment variables of a colour (or of a rolling app), injected first, then the user's.
 * Nothing here depends on the phase: a promotion must not change the pod template.
 */
export class EnvBuilder {
  /** Injected variable -> the config field it comes from (for clash messages). */
  private static readonly SOURCES: Readonly<Record<string, string>> = {
    AXON_AXONSERVER_SERVERS: 'the Axon Server nodes',
    AXON_AXONSERVER_CONTEXT: 'context',
    AXON_AXONSERVER_TOKEN: 'tokenSecret',
    AXON_AXONSERVER_COMPONENT_NAME: 'the Deployment name',
    AXON_AXONSERVER_SSL_ENABLED: 'axonServer.tls',
    AXON_AXONSERVER_CERT_FILE: 'axonServer.tls',
    DEPLOYMENT_COLOR: 'the colour',
    DEPLOYMENT_PHASE: 'the phase (read it from the release files)',
    DEPLOYMENT_VERSION: 'the version',
    DEPLOYMENT_PROCESSOR_SUFFIX: 'the colour',
    DEPLOYMENT_READ_MODEL_DATABASE: 'readModel',
    DEPLOYMENT_RELEASE_DIR: 'the release files',
    DEPLOYMENT_SIDE_EFFECT_PROCESSING_GROUPS: 'sideEffects.processingGroups',
    DEPLOYMENT_SIDE_EFFECT_DATASOURCE_URL: 'sideEffects.store',
    DEPLOYMENT_SIDE_EFFECT_DATASOURCE_USERNAME: 'sideEffects.store',
    DEPLOYMENT_SIDE_EFFECT_DATASOURCE_PASSWORD: 'sideEffects.store',
    DEPLOYMENT_SIDE_EFFECT_START: 'sideEffects.seed',
    SERVER_PORT: 'port',
    MANAGEMENT_SERVER_PORT: 'managementPort',
    SERVER_SHUTDOWN: 'graceful shutdown',
    SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE: 'terminationGracePeriodSeconds',
    SPRING_DATASOURCE_URL: 'readModel',
    SPRING_DATASOURCE_USERNAME: 'readModel.credentialsSecret',
    SPRING_DATASOURCE_PASSWORD: 'readModel.credentialsSecret',
  };

  private readonly userEnv: EnvVar[];
  private readonly tls: boolean;

  constructor(
    private readonly app: AppConfig,
    path: ConfigPath,
    private readonly servers: string,
    private readonly mgmtPort: number,
    input: AppsInput,
  ) {
    this.tls = input.axonServer.tls !== undefined;
    const entries = Object.entries(app.env).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [name, value] of entries) {
      const source = EnvBuilder.SOURCES[name];
      if (source)
        input.issues.error([...path, 'env', name], `${name} is set by axon-deploy (from ${source}); remove it here`);
      else if (typeof value === 'string') {
        const why = secretLiteralProblem(name, value);
        if (why) {
          input.issues.error(
            [...path, 'env', name],
            `${name} looks like a secret (${why}) and would be written in plain text to dist/: take it from a Secret with { secretName: <name>, key: <key> }; if it is not a secret, write { value: "…", notSecret: "<why not>" }`,
          );
        }
      }
    }
    this.userEnv = entries
      .filter(([name]) => !EnvBuilder.SOURCES[name])
      .map(([name, value]): EnvVar =>
        typeof value === 'string'
          ? { name, value }
          : 'secretName' in value
            ? { name, secret: { name: value.secretName, key: value.key } }
            : { name, value: value.value },
      );
  }

  build(color: Color | undefined, version: string, storage: Storage): EnvVar[] {
    const app = this.app;
    const workload = color ? colorDeployment(app.name, color) : app.name;
    const env: EnvVar[] = [
      { name: 'AXON_AXONSERVER_SERVERS', value: this.servers },
      { name: 'AXON_AXONSERVER_CONTEXT', value: app.context },
      ...(app.tokenSecret
        ? [{ name: 'AXON_AXONSERVER_TOKEN', secret: { name: app.tokenSecret, key: app.tokenSecretKey } }]
        : []),
      { name: 'AXON_AXONSERVER_COMPONENT_NAME', value: workload },
      // Axon Server speaks TLS: the Axon Framework connector trusts the mounted CA bundle.
      ...(this.tls
        ? [
            { name: 'AXON_AXONSERVER_SSL_ENABLED', value: 'true' },
            { name: 'AXON_AXONSERVER_CERT_FILE', value: `${CLIENT_CA_DIR}/${CA_FILE}` },
          ]
        : []),
      ...(color
        ? [
            { name: 'DEPLOYMENT_COLOR', value: color },
            { name: 'DEPLOYMENT_RELEASE_DIR', value: RELEASE_DIR },
          ]
        : []),
      { name: 'DEPLOYMENT_VERSION', value: version },
      { name: 'DEPLOYMENT_PROCESSOR_SUFFIX', value: storage.processorSuffix },
      { name: 'SERVER_PORT', value: String(app.port) },
      ...(this.mgmtPort !== app.port ? [{ name: 'MANAGEMENT_SERVER_PORT', value: String(this.mgmtPort) }] : []),
      { name: 'SERVER_SHUTDOWN', value: 'graceful' },
      {
        name: 'SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE',
        value: `${Math.max(5, app.terminationGracePeriodSeconds - app.preStopSleepSeconds - 5)}s`,
      },
    ];
    if (app.readModel && storage.database) {
      env.push(
        { name: 'SPRING_DATASOURCE_URL', value: jdbcUrlOf(app.readModel.jdbcUrl, storage.database) },
        {
          name: 'SPRING_DATASOURCE_USERNAME',
          secret: { name: app.readModel.credentialsSecret, key: app.readModel.usernameKey },
        },
        {
          name: 'SPRING_DATASOURCE_PASSWORD',
          secret: { name: app.readModel.credentialsSecret, key: app.readModel.passwordKey },
        },
        { name: 'DEPLOYMENT_READ_MODEL_DATABASE', value: storage.database },
      );
    }
    const se = app.sideEffects;
    if (se && se.processingGroups.length > 0) {
      // One processor name per group in every colour (no suffix), and one store they share for
      // their tokens, their sagas and their dead letters (the recipe in docs/concepts/blue-green.md).
      env.push({
        name: 'DEPLOYMENT_SIDE_EFFECT_PROCESSING_GROUPS',
        value: [...new Set(se.processingGroups)].sort().join(','),
      });
      // Where a group without a token starts: Axon's default, the tail (all history), unless the
      // config chose the head for an app that was live before (the review spells out what that skips).
      env.push({ name: 'DEPLOYMENT_SIDE_EFFECT_START', value: se.seed === 'startAtHead' ? 'head' : 'tail' });
      if (se.store) {
        env.push(
          {
            name: 'DEPLOYMENT_SIDE_EFFECT_DATASOURCE_URL',
            value: jdbcUrlOf(se.store.jdbcUrl, se.store.database),
          },
          {
            name: 'DEPLOYMENT_SIDE_EFFECT_DATASOURCE_USERNAME',
            secret: { name: se.store.credentialsSecret, key: se.store.usernameKey },
          },
          {
            name: 'DEPLOYMENT_SIDE_EFFECT_DATASOURCE_PASSWORD',
            secret: { name: se.store.credentialsSecret, key: se.store.passwordKey },
          },
        );
      }
    }
    return [...env, ...this.userEnv];
  }
}

/** A server's JDBC URL with a database: `jdbc:postgresql://db:5432?ssl=true` + `orders` -> `jdbc:postgresql://db:5432/orders?ssl=true`. */
function jdbcUrlOf(serverUrl: string, database: string): string {
  const [base, query] = serverUrl.split('?', 2);
  return `${base.replace(/\/$/, '')}/${database}${query !== undefined ? `?${query}` : ''}`;
}
