import { cliCommand, cliProblems } from '../../../src/domain/axon-cli';
import { cliCommandsIn } from '../../support/cli-commands';

const target = { namespace: 'orders-prod', node: 'axonserver-1', https: true, token: { name: 'sys', key: 'token' } };

describe('the axonserver-cli option table', () => {
  it('builds a command with the server, the trust store and the token read at the prompt', () => {
    const line = cliCommand(
      'register-replication-group',
      [
        ['-g', 'orders'],
        ['-n', 'a,b,c'],
        ['-sec', 'd'],
      ],
      target,
    );
    expect(line).toBe(
      'java -Djavax.net.ssl.trustStore=axonserver-ca.p12 -Djavax.net.ssl.trustStorePassword=changeit -jar axonserver-cli.jar ' +
        'register-replication-group -g orders -n a,b,c -sec d -S https://axonserver-1.orders-prod.svc.cluster.local:8024 -t "$(kubectl -n orders-prod get secret sys -o jsonpath=\'{.data.token}\' | base64 -d)"',
    );
  });

  it('fails for a group registered without -g, for -s meaning secondaries, for an unknown command', () => {
    expect(cliProblems('register-replication-group', [['-c', 'orders']])).toEqual([
      '-c is not an option of register-replication-group',
      '--replication-group is required',
    ]);
    expect(
      cliProblems('register-replication-group', [
        ['-g', 'orders'],
        ['-s', 'd'],
      ]),
    ).toEqual(['-s takes no value']);
    expect(cliProblems('make-coffee', [])).toEqual(['unknown command make-coffee']);
    expect(() => cliCommand('unregister-node', [], target)).toThrow('--node is required');
  });

  it('uses http:// without TLS on 8024 and no trust store', () => {
    const line = cliCommand('unregister-node', [['-n', 'axonserver-4']], { ...target, https: false, token: undefined });
    expect(line).toBe(
      'java -jar axonserver-cli.jar unregister-node -n axonserver-4 -S http://axonserver-1.orders-prod.svc.cluster.local:8024',
    );
  });

  it('reads printed commands back into the same arguments', () => {
    const line = cliCommand(
      'delete-node-from-replication-group',
      [['-g', 'orders'], ['-n', 'x'], ['--preserve-event-store']],
      target,
    );
    const [parsed] = cliCommandsIn(`run \`${line}\` now`);
    expect(parsed.command).toBe('delete-node-from-replication-group');
    expect(cliProblems(parsed.command, parsed.args)).toEqual([]);
  });
});
