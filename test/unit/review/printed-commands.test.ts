/**
 * Every axonserver-cli command a review prints parses against the CLI's own option table
 * (domain/axon-cli.ts): the flags exist for that command, values where they take one, the
 * required ones present, https:// when 8024 has TLS.
 */
import { cliProblems } from '../../../src/domain/axon-cli';
import type { Add } from '../../../src/review/findings';
import { groupChanges, licenceChanges, releaseChanges } from '../../../src/review/models';
import { objectChanges, objectRules } from '../../../src/review/objects';
import { synthesizeEnvironment } from '../../../src/synth/render';
import type { EnvironmentModel } from '../../../src/model/types';
import { enterprise, environment, node, rolling, validModel } from '../../support/builders';
import { cliCommandsIn } from '../../support/cli-commands';

function collect(run: (add: Add) => void): string {
  const texts: string[] = [];
  run((_severity, _rule, _object, message, details = []) => texts.push(message, ...details));
  return texts.join('\n');
}

const cluster = (extra: Parameters<typeof enterprise>[1] = {}) =>
  enterprise({ 'axonserver-1': 'PRIMARY', 'axonserver-2': 'PRIMARY', 'axonserver-3': 'PRIMARY' }, extra);

const tlsOn = {
  accessControl: { enabled: true, systemTokenSecret: 'sys', internalTokenSecret: 'internal' },
  tls: { enabled: true, certManager: { issuer: { name: 'ca' } }, keystorePasswordSecret: { name: 'ks' } },
};

function expectValid(text: string, scheme: 'http' | 'https'): void {
  const commands = cliCommandsIn(text);
  expect(commands.length).toBeGreaterThan(0);
  for (const c of commands) {
    expect({ line: c.line, problems: cliProblems(c.command, c.args) }).toEqual({ line: c.line, problems: [] });
    expect(c.line).toContain(`-S ${scheme}://`);
  }
}

describe('printed axonserver-cli commands', () => {
  it.each([
    ['http', {}],
    ['https', tlsOn],
  ] as const)('for role and group changes parse against the option table (%s)', (scheme, extra) => {
    const base = validModel(environment(cluster(extra)));
    const withGroup = cluster({
      ...extra,
      nodes: ['axonserver-1', 'axonserver-2', 'axonserver-3', 'axonserver-4'].map((n) => node(n)),
      replicationGroups: [
        {
          name: 'orders',
          contexts: ['orders'],
          roles: {
            'axonserver-1': 'PRIMARY',
            'axonserver-2': 'PRIMARY',
            'axonserver-3': 'PRIMARY',
            'axonserver-4': 'SECONDARY',
          },
        },
        {
          name: 'billing',
          contexts: ['billing'],
          roles: {
            'axonserver-1': 'PRIMARY',
            'axonserver-2': 'ACTIVE_BACKUP',
            'axonserver-3': 'ACTIVE_BACKUP',
            'axonserver-4': 'SECONDARY',
          },
        },
      ],
    });
    const head = validModel(environment(withGroup));
    const text = collect((add) => groupChanges(base, head, add));
    expect(text).toContain(
      'register-replication-group -g billing -n axonserver-1 -sec axonserver-4 -a axonserver-2,axonserver-3',
    );
    expectValid(text, scheme);
  });

  it('for removing a node parse against the option table', () => {
    const four = cluster({
      nodes: ['axonserver-1', 'axonserver-2', 'axonserver-3', 'axonserver-4'].map((n) => node(n)),
      replicationGroups: [
        {
          name: 'orders',
          contexts: ['orders'],
          roles: {
            'axonserver-1': 'PRIMARY',
            'axonserver-2': 'PRIMARY',
            'axonserver-3': 'PRIMARY',
            'axonserver-4': 'SECONDARY',
          },
        },
      ],
    });
    const base = validModel(environment(four));
    const head = validModel(environment(cluster()));
    const objects = (m: EnvironmentModel) =>
      new Map(synthesizeEnvironment(m).map((o) => [`${o.kind}/${o.metadata.name}`, o]));
    const before = objects(base);
    const after = objects(head);
    const nodeGroups = new Map(base.axonServer.nodes.map((n) => [n.name, n.roles.map((r) => r.group)]));
    const text = collect((add) =>
      objectRules(objectChanges(before, after), before, after, 'orders-test', add, { nodeGroups, cluster: base }),
    );
    expect(text).toContain('unregister-node -n axonserver-4');
    expectValid(text, 'http');
  });

  it('for registering a new app by hand parse against the option table', () => {
    const noRegistration = cluster({
      accessControl: { enabled: true, systemTokenSecret: 'sys', internalTokenSecret: 'internal' },
      registration: { enabled: false },
    });
    const base = validModel(environment(noRegistration));
    const head = validModel(
      environment(noRegistration, [rolling('billing', '1.0.0', { tokenSecret: 'billing-token' })]),
    );
    const text = collect((add) => releaseChanges(base, head, add));
    expect(text).toContain('register-application -a billing -r USE_CONTEXT@orders -T');
    expectValid(text, 'http');
  });
});

describe('licence renewal (issue 18, item 5)', () => {
  it('says a licence is renewed by replacing the Secret when the licence Secret changes', () => {
    const base = validModel(environment(cluster()));
    const head = validModel(environment(cluster({ license: { secretName: 'axoniq-license-2027' } })));
    const found: string[] = [];
    licenceChanges(base, head, (severity, rule, _object, message, details = []) =>
      found.push(`${severity} ${rule}: ${message}`, ...details),
    );
    expect(found[0]).toBe(
      'warning licence-secret: the licence now comes from Secret axoniq-license-2027 (key axoniq.license), not axoniq-license (key axoniq.license)',
    );
    expect(found[1]).toContain('never by an upload, which the next restart would undo');
    const same: string[] = [];
    licenceChanges(base, base, (_s, rule) => same.push(rule));
    expect(same).toEqual([]);
  });
});
