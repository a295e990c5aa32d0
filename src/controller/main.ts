/**
 * The rollout controller's entry point in its pod: `node /app/controller.js run`. The bundle of
 * this file (lib/controller.js) is what the environment's ConfigMap holds. It authenticates with
 * its ServiceAccount; the rehearsals run the same loop (runController) in-process.
 */
import * as os from 'node:os';
import { inClusterConnection } from '../kube/config';
import { KubeClient } from '../kube/client';
import { runController } from './run';

function main(argv: readonly string[]): void {
  if (argv[0] !== 'run') {
    process.stderr.write('usage: controller.js run (in the pod of the rollout controller)\n');
    process.exitCode = 2;
    return;
  }
  const connection = inClusterConnection();
  if (!connection) {
    process.stderr.write('not in a pod: no ServiceAccount token\n');
    process.exitCode = 2;
    return;
  }
  const namespace = process.env.AXON_DEPLOY_NAMESPACE ?? connection.namespace;
  if (!namespace) throw new Error('AXON_DEPLOY_NAMESPACE is not set');
  const controller = runController({
    kube: new KubeClient(connection),
    namespace,
    identity: os.hostname(),
    pollMs: Number(process.env.AXON_DEPLOY_POLL_SECONDS ?? '5') * 1000,
    port: Number(process.env.AXON_DEPLOY_PORT ?? '8080'),
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void controller.stop().then(() => process.exit(0));
    });
  }
}

main(process.argv.slice(2));
