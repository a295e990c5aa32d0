/**
 * A team adopts axon-deploy: `init`, a second environment, then a pull request that turns backups
 * on. No shared Argo CD project is ever rendered, and the review says in words who gains which
 * permissions; its JSON validates against the documented schema.
 */
import Ajv2020, { type SchemaObject } from 'ajv/dist/2020';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { cli, ROOT, tempDir } from '../../support/helpers';
import { parseJson, parseYaml, yamlObjects } from '../../support/manifests';

jest.setTimeout(60_000);

const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });

/** A config file as a document: its sections, each a map. */
type ConfigDocument = Record<string, Record<string, unknown>>;

/** Edits a YAML file of the repository as a document. */
function editYaml(file: string, edit: (doc: ConfigDocument) => void): void {
  const doc = parseYaml<ConfigDocument>(fs.readFileSync(file, 'utf8'));
  edit(doc);
  fs.writeFileSync(file, stringify(doc));
}

describe('adopting axon-deploy', () => {
  const repo = path.join(tempDir(), 'deploy');

  beforeAll(async () => {
    const init = await cli(
      [
        'init',
        repo,
        '--env',
        'dev',
        '--namespace',
        'shop-dev',
        '--repo-url',
        'https://git.example.com/shop/deploy.git',
        '--owners',
        '@shop/platform',
      ],
      ROOT,
    );
    expect(init.stderr).toBe('');
    // A second environment, as a team adds one: a copy of the first in its own namespace.
    const dev = fs.readFileSync(path.join(repo, 'config', 'dev.yaml'), 'utf8');
    fs.writeFileSync(
      path.join(repo, 'config', 'prod.yaml'),
      dev.replace('environment: dev', 'environment: prod').replace('namespace: shop-dev', 'namespace: shop-prod'),
    );
    const synth = await cli(['synth'], repo);
    expect([synth.status, synth.stderr]).toEqual([0, '']);
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
    git(repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'first environments');
  });

  it('renders an AppProject of its own per environment, never the shared default', () => {
    const projects = ['dev', 'prod'].flatMap((env) =>
      yamlObjects(fs.readFileSync(path.join(repo, 'dist', 'argocd', `${env}.yaml`), 'utf8'))
        .filter((o) => o.kind === 'AppProject')
        .map((o) => o.metadata.name),
    );
    expect(projects).toEqual(['shop-dev', 'shop-prod']);
    expect(fs.readFileSync(path.join(repo, '.github', 'CODEOWNERS'), 'utf8')).toContain('/config/ @shop/platform\n');
  });

  it('refuses to render an AppProject named default, naming the file, line and the way out', async () => {
    const dir = tempDir();
    fs.cpSync(path.join(repo, 'config'), path.join(dir, 'config'), { recursive: true });
    editYaml(path.join(dir, 'config', '_base.yaml'), (doc) => (doc.argocd.project = 'default'));
    const r = await cli(['synth'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^config\/_base\.yaml:\d+:\d+ argocd\.project: "default" is Argo CD's shared project: .* set argocd\.createProject: false to use the shared project as it is$/m,
    );
  });

  it('reviews a pull request that turns backups on: who may now do what, as Markdown and as JSON', async () => {
    git(repo, 'checkout', '-q', '-b', 'backups');
    editYaml(path.join(repo, 'config', 'prod.yaml'), (doc) => {
      doc.axonServer.backup = { enabled: true, volumeSnapshotClass: 'csi-snapclass' };
    });
    expect((await cli(['synth'], repo)).status).toBe(0);
    const r = await cli(['review', '--format', 'json'], repo);
    expect(r.stderr).toBe('');
    const report = parseJson<{
      environments: { env: string; findings: { rule: string; object: string; message: string }[] }[];
    }>(r.stdout);
    const schema = parseJson<SchemaObject>(
      fs.readFileSync(path.join(ROOT, 'docs', 'reference', 'review.schema.json'), 'utf8'),
    );
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    expect(validate(report) ? [] : validate.errors).toEqual([]);
    const prod = report.environments.find((e) => e.env === 'prod')!;
    const widened = prod.findings.filter((f) => f.rule === 'permissions-widened');
    expect(widened.map((f) => f.object).sort()).toEqual(['appproject/shop-prod', 'role/axonserver-backup']);
    expect(widened.find((f) => f.object === 'role/axonserver-backup')!.message).toBe(
      'new Role axonserver-backup lets ServiceAccount axonserver-backup (used by CronJob axonserver-backup) create, delete, get, list volumesnapshots.snapshot.storage.k8s.io in shop-prod',
    );
    // (Roles were allowed already: the rollout controller has one.)
    expect(widened.find((f) => f.object === 'appproject/shop-prod')!.message).toBe(
      'AppProject shop-prod lets its Applications create more: namespaced kind batch/CronJob',
    );
    expect(
      report.environments.flatMap((e) => e.findings).filter((f) => f.object.startsWith('appproject/default')),
    ).toEqual([]);
    const markdown = await cli(['review'], repo);
    expect(markdown.stdout).toContain(
      '- **permissions-widened** `role/axonserver-backup`: new Role axonserver-backup lets',
    );
  });
});
