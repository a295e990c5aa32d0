/**
 * Every object we emit, proven on a real Kubernetes API server (1.34): each fixture environment
 * applied with `kubectl apply --dry-run=server --validate=strict -k` into a namespace that
 * enforces "restricted", and the Argo CD Applications likewise. Breaking an object on purpose
 * must fail with the server's message.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { Kubectl } from '../../../src/validate/api-server';
import { validateOnServer } from '../../../src/validate/server-validation';
import { writeTree } from '../../../src/synth/output';
import { KubeObject, renderOutput } from '../../../src/synth/render';
import {
  cli,
  FIXTURE_ENVIRONMENTS,
  fixtureProject,
  fixtureTree,
  prodWith,
  synthText,
  tempDir,
} from '../../support/helpers';
import { asKind, defined, setUnchecked, yamlObjects } from '../../support/manifests';

const kubeconfig = process.env.AXON_DEPLOY_TEST_KUBECONFIG;
const kubectlBinary = process.env.AXON_DEPLOY_TEST_KUBECTL;
const withServer = kubeconfig && kubectlBinary ? describe : describe.skip;
const kubectl = () => new Kubectl(kubectlBinary!, kubeconfig!);

jest.setTimeout(120_000);

/** The fixture output written to a fresh directory; with an edit (of the file's documents), only the edited file's environment. */
function dist(edit?: { file: string; change: (docs: KubeObject[]) => void }): string {
  const dir = tempDir();
  const only = edit ? `${edit.file.split('/')[0]}/` : '';
  writeTree(dir, new Map([...fixtureTree()].filter(([f]) => f.startsWith(only))));
  if (edit) {
    const file = path.join(dir, edit.file);
    const docs = yamlObjects(fs.readFileSync(file, 'utf8'));
    edit.change(docs);
    fs.writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
  }
  return dir;
}

withServer('a strict server-side dry-run under the enforced restricted profile', () => {
  it('accepts every object of every fixture environment and every Argo CD Application, without a warning', () => {
    const dir = dist();
    const result = validateOnServer(kubectl(), dir, dir);
    expect(result.problems).toEqual([]);
    expect(result.checked).toEqual(
      expect.arrayContaining([...FIXTURE_ENVIRONMENTS, ...FIXTURE_ENVIRONMENTS.map((e) => `argocd/${e}.yaml`)]),
    );
    const documents = [...fixtureTree()]
      .filter(([f]) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml') && !f.endsWith('.patch.yaml'))
      .reduce((n, [, text]) => n + parseAllDocuments(text).length, 0);
    expect(result.objects).toBe(documents);
  });

  it("fails an unknown field with the server's strict-decoding message, naming the object", () => {
    const dir = dist({
      file: 'prod/axon-server/statefulset-axonserver-1.yaml',
      change: ([o]) => {
        setUnchecked(asKind(o, 'StatefulSet').spec.template.spec.containers[0], 'bogus', true);
      },
    });
    const { problems } = validateOnServer(kubectl(), dir, dir);
    expect(problems).toEqual([
      expect.stringMatching(
        /^prod\/axon-server\/statefulset-axonserver-1\.yaml: StatefulSet\/axonserver-1: server: .*strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.bogus"/,
      ),
    ]);
  });

  it('fails a privilege escalation with the Pod Security message', () => {
    const dir = dist({
      file: 'prod/apps/deployment-order-service-blue.yaml',
      change: ([o]) => {
        defined(asKind(o, 'Deployment').spec.template.spec.containers[0].securityContext).allowPrivilegeEscalation =
          true;
      },
    });
    const { problems } = validateOnServer(kubectl(), dir, dir);
    expect(problems).toEqual([
      'prod/apps/deployment-order-service-blue.yaml: Deployment/order-service-blue: server: Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "order-service" must set securityContext.allowPrivilegeEscalation=false)',
    ]);
  });

  it('fails what only a server knows: an immutable-field shape, a bad cross-field value', () => {
    const dir = dist({
      file: 'prod/axon-server/service-axonserver-1.yaml',
      change: ([o]) => {
        defined(asKind(o, 'Service').spec.ports)[0].targetPort = 'a-port-name-longer-than-fifteen';
      },
    });
    const { problems } = validateOnServer(kubectl(), dir, dir);
    expect(problems).toEqual([
      expect.stringMatching(
        /^prod\/axon-server\/service-axonserver-1\.yaml: Service\/axonserver-1: server: .*spec\.ports\[0\]\.targetPort/,
      ),
    ]);
  });

  it('fails an Argo CD Application the CRD refuses', () => {
    const dir = dist({
      file: 'argocd/prod.yaml',
      change: (docs) => {
        setUnchecked(defined(defined(asKind(docs[1], 'Application').spec.syncPolicy).retry), 'limit', 'five');
      },
    });
    const { problems } = validateOnServer(kubectl(), dir, dir);
    expect(problems).toEqual([
      expect.stringMatching(
        /^argocd\/prod\.yaml: Application\/orders-prod-axon-server: server: .*spec\.syncPolicy\.retry\.limit/,
      ),
    ]);
  });

  it('reports an API the server marks deprecated', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'legacy'));
    fs.writeFileSync(
      path.join(dir, 'legacy', 'endpoints.yaml'),
      stringify({
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'old', namespace: 'legacy-ns' },
        subsets: [],
      }),
    );
    fs.writeFileSync(path.join(dir, 'legacy', 'kustomization.yaml'), stringify({ resources: ['endpoints.yaml'] }));
    const { problems } = validateOnServer(kubectl(), dir, dir);
    expect(problems).toEqual([
      expect.stringMatching(
        /^legacy\/endpoints\.yaml: Endpoints\/old: server: deprecated API: Warning: v1 Endpoints is deprecated/,
      ),
    ]);
  });

  it("accepts the claims and config-database Jobs a restore renders from a backup run's VolumeSnapshots", async () => {
    const project = fixtureProject();
    const r = await cli(['restore', 'prod', '--run', '20261201t020000z'], project);
    expect(r.status).toBe(0);
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'restore'));
    fs.writeFileSync(path.join(dir, 'restore', 'claims.yaml'), r.stdout);
    fs.writeFileSync(path.join(dir, 'restore', 'kustomization.yaml'), stringify({ resources: ['claims.yaml'] }));
    const result = validateOnServer(kubectl(), dir, dir);
    expect(result.problems).toEqual([]);
    expect(result.objects).toBe(19); // 15 claims, the script, a Job per admin node
  });

  it("rejects a patch that breaks an object, with the server's message", () => {
    const dir = tempDir();
    const { model } = synthText(
      'prod',
      prodWith((c) => {
        c.patches = [
          {
            target: { kind: 'Deployment', name: 'notification-service' },
            patch: [{ op: 'add', path: '/spec/minReadySeconds', value: 'ten' }],
            why: 'a broken patch, on purpose',
          },
        ];
      }),
    );
    writeTree(dir, renderOutput([{ model, sourceFile: 'config/prod.yaml' }]));
    const { problems } = validateOnServer(kubectl(), dir, dir);
    expect(problems).toEqual([
      expect.stringMatching(
        /^prod\/apps\/deployment-notification-service\.yaml: Deployment\/notification-service: server: .*spec\.minReadySeconds/,
      ),
    ]);
  });
});
