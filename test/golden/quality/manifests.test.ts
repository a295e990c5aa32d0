import { writeTree } from '../../../src/synth/output';
import { checkRestricted, checkSecretHygiene, podSpecOf } from '../../../src/validate/policies';
import { SchemaValidator, validateDirectory } from '../../../src/validate/schema-validator';
import { defined, fixtureTree, tempDir } from '../../support/helpers';
import { asKind, jsonCopy, removeUnchecked, setUnchecked, yamlObjects } from '../../support/manifests';

const tree = fixtureTree();
const objects = [...tree.entries()]
  // Kustomizations and the argocd-cm patch are not Kubernetes objects.
  .filter(([file]) => file.endsWith('.yaml') && !file.endsWith('kustomization.yaml') && !file.endsWith('.patch.yaml'))
  .flatMap(([file, content]) => yamlObjects(content).map((obj) => ({ file, obj })));
const validator = new SchemaValidator();

describe('every synthesized object', () => {
  it('is covered (sanity: all environments and the Argo CD Applications)', () => {
    expect(objects.length).toBeGreaterThan(50);
    expect(objects.filter((o) => o.obj.kind === 'Application')).toHaveLength(6);
    expect(objects.filter((o) => o.obj.kind === 'AppProject')).toHaveLength(3);
  });

  it.each(objects.map((o) => [o.file, o.obj]))(
    '%s matches the Kubernetes 1.27 / Argo CD v3.5.1 schema, unknown fields included',
    (_, obj) => {
      expect(validator.validate(obj)).toEqual([]);
    },
  );

  it.each(objects.filter((o) => podSpecOf(o.obj)).map((o) => [o.file, o.obj]))(
    '%s meets every control of the restricted pod security profile',
    (_, obj) => {
      expect(checkRestricted(obj)).toEqual([]);
    },
  );

  it.each(objects.map((o) => [o.file, o.obj]))('%s carries no token, password or licence material', (_, obj) => {
    expect(checkSecretHygiene(obj)).toEqual([]);
  });

  it('axon-deploy validate passes on the synthesized tree', () => {
    const dir = tempDir();
    writeTree(dir, tree);
    const result = validateDirectory(dir, dir, validator);
    expect(result.problems).toEqual([]);
    expect(result.objects).toBe(objects.length);
  });
});

describe('the checks can fail', () => {
  const sts = asKind(objects.find((o) => o.obj.kind === 'StatefulSet')!.obj, 'StatefulSet');
  const clone = () => jsonCopy(sts);

  it('schema: a misspelt field, a wrong type, a missing required field', () => {
    const bad = clone();
    bad.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes';
    setUnchecked(defined(bad.spec.template.spec.containers[0].ports)[0], 'containerPort', '8124');
    setUnchecked(bad.spec.template.spec, 'terminationGracePeriod', 120);
    removeUnchecked(bad.spec, 'selector');
    expect(validator.validate(bad).map((p) => `${p.path}: ${p.message}`)).toEqual(
      expect.arrayContaining([
        "spec: must have required property 'selector'",
        'spec.template.spec: must NOT have additional properties (terminationGracePeriod)',
        'spec.template.spec.containers[0].ports[0].containerPort: must be integer',
      ]),
    );
  });

  it('pod security: root, privilege, host namespaces, hostPath, capabilities, seccomp', () => {
    const bad = clone();
    const spec = bad.spec.template.spec;
    spec.hostNetwork = true;
    spec.securityContext = {};
    defined(spec.volumes).push({ name: 'host', hostPath: { path: '/' } });
    Object.assign(defined(spec.containers[0].securityContext), {
      privileged: true,
      allowPrivilegeEscalation: true,
      runAsUser: 0,
      capabilities: { add: ['SYS_ADMIN'] },
    });
    defined(spec.containers[0].ports)[0].hostPort = 8124;
    expect(checkRestricted(bad).map((p) => p.message)).toEqual([
      'host namespaces are not allowed',
      'volume type hostPath is not allowed (hostPath and other node volumes are forbidden)',
      'privileged containers are not allowed',
      'host port 8124 is not allowed',
      'must be false',
      'must drop ALL',
      'capability SYS_ADMIN may not be added',
      'must not run as uid 0',
      'must be RuntimeDefault or Localhost (in the container or the pod)',
    ]);
  });

  it('secrets: Secret data, literal tokens in env and in properties', () => {
    expect(checkSecretHygiene({ kind: 'Secret', metadata: { name: 's' }, data: { token: 'eA==' } })).toHaveLength(1);
    const bad = clone();
    defined(bad.spec.template.spec.containers[0].env).push({
      name: 'AXONIQ_AXONSERVER_ACCESSCONTROL_INTERNAL_TOKEN',
      value: 'abc123',
    });
    expect(checkSecretHygiene(bad).map((p) => p.message)).toEqual([
      'AXONIQ_AXONSERVER_ACCESSCONTROL_INTERNAL_TOKEN is set to a literal value: take it from a Secret (secretKeyRef)',
    ]);
    const cm = {
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { 'axonserver.properties': 'a=b\naxoniq.axonserver.accesscontrol.internal-token=abc\n' },
    };
    expect(checkSecretHygiene(cm).map((p) => p.message)).toEqual([
      'line 2 sets axoniq.axonserver.accesscontrol.internal-token to a literal value',
    ]);
  });
});
