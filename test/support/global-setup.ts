/**
 * Jest global setup of the integration project: one real cluster for the whole run, from
 * KUBEBUILDER_ASSETS or ../shared/envtest/bin — kube-apiserver and etcd with RBAC and every CRD of
 * imports/schemas and axon-deploy's own installed, and, when the binaries are there, the real
 * kube-controller-manager and kube-scheduler beside them for the rehearsals (test/support/
 * cluster.ts). Test workers find it through AXON_DEPLOY_TEST_KUBECONFIG and
 * AXON_DEPLOY_TEST_KUBECTL (and AXON_DEPLOY_TEST_CONTROLLERS when the controllers run). Without
 * binaries the server tests are skipped, loudly — unless AXON_DEPLOY_REQUIRE_APISERVER is set
 * (as in CI), which makes a missing server fail the run.
 */
import * as path from 'node:path';
import buildSetup from './build-setup';
import { ApiServer, assetsProblem } from '../../src/validate/api-server';
import { customResourceDefinitions } from '../../src/controller/crds';
import { crdFiles } from '../../src/validate/schema-validator';
import { toYaml } from '../../src/synth/render';
import { rehearsalAssets, startControllers, STORAGE_CLASS } from './cluster';

const FALLBACK_ASSETS = path.resolve(__dirname, '../../../shared/envtest/bin');

export default async function globalSetup(): Promise<void> {
  buildSetup();
  const assets = process.env.KUBEBUILDER_ASSETS || FALLBACK_ASSETS;
  const problem = assetsProblem(assets);
  if (problem) {
    if (process.env.AXON_DEPLOY_REQUIRE_APISERVER)
      throw new Error(`AXON_DEPLOY_REQUIRE_APISERVER is set, but there is no kube-apiserver: ${problem}`);
    process.stderr.write(
      `\n\u26A0 Server-side validation tests are SKIPPED: ${problem}.\n  Enable them with KUBEBUILDER_ASSETS=<dir with etcd, kube-apiserver, kubectl> npm test.\n\n`,
    );
    return;
  }
  const server = await ApiServer.start({
    assets,
    crds: crdFiles(),
    crdObjects: customResourceDefinitions(),
    authorization: 'RBAC',
  });
  (globalThis as { axonDeployApiServer?: ApiServer }).axonDeployApiServer = server;
  process.env.AXON_DEPLOY_TEST_KUBECONFIG = server.kubectl.kubeconfig;
  process.env.AXON_DEPLOY_TEST_KUBECTL = path.join(assets, 'kubectl');
  if (rehearsalAssets().dir) {
    startControllers(server, assets);
    // The rehearsals' volumes: bound where their pod is scheduled (test/support/kubelet.ts provides them).
    server.kubectl.run(
      ['apply', '-f', '-'],
      toYaml({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: STORAGE_CLASS },
        provisioner: 'kubernetes.io/no-provisioner',
        volumeBindingMode: 'WaitForFirstConsumer',
      }),
    );
    process.env.AXON_DEPLOY_TEST_CONTROLLERS = '1';
  }
}
