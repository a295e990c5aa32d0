/**
 * The command line, in-process and as a process: every command's help, the exit statuses, the
 * synth's output and its refusal to write on bad input, the cdk8s CLI contract, schema, init.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../../../src/cli/main';
import { environmentJsonSchema } from '../../../src/config/json-schema';
import { readTree } from '../../../src/synth/output';
import {
  CLI_ARGS,
  cli,
  defined,
  fixtureProject,
  fixtureTree,
  ofKind,
  readPackageJson,
  ROOT,
  tempDir,
  writeFiles,
} from '../../support/helpers';
import { asKind, parseJson, yamlObjects } from '../../support/manifests';
import type { SynthJson } from '../../../src/cli/commands/synth';
import type { ValidateJson } from '../../../src/cli/commands/validate';

const VERSION = defined(readPackageJson(path.join(ROOT, 'package.json')).version);
/** Every file under `dir` with its content, for byte-for-byte comparison. */
const snapshotTree = (dir: string) => Object.fromEntries(readTree(dir));

describe('help, version and usage errors', () => {
  it.each(COMMANDS.map((c) => c.name))(
    '%s --help shows usage, options with defaults and exit statuses',
    async (name) => {
      const r = await cli([name, '--help'], tempDir());
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^axon-deploy ${name}: `));
      expect(r.stdout).toContain(`Usage: axon-deploy ${name}`);
      expect(r.stdout).toContain('Options:');
      expect(r.stdout).toContain('-h, --help');
      expect(r.stdout).toContain('Exit status:\n  0  ');
      expect(r.stdout).toMatch(/\n {2}2 {2}usage error/);
    },
  );

  it('the config and output directories are options of synth, review, validate and schema, with defaults', async () => {
    expect((await cli(['synth', '--help'], tempDir())).stdout).toMatch(
      /--config <dir>.*\(default: config\)[\s\S]*--out <dir>.*\(default: dist/,
    );
    expect((await cli(['review', '--help'], tempDir())).stdout).toMatch(
      /--config <dir>[\s\S]*--out <dir>.*\(default: dist\)/,
    );
    expect((await cli(['validate', '--help'], tempDir())).stdout).toMatch(/--out <dir>.*\(default: dist\)/);
    expect((await cli(['schema', '--help'], tempDir())).stdout).toMatch(/--config <dir>.*\(default: config\)/);
  });

  it.each([['--version'], ['-V'], ['synth', '--version'], ['init', '-V']])('%s prints the version', async (...argv) => {
    const r = await cli(argv, tempDir());
    expect(r).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('--help and no arguments list the commands', async () => {
    const help = await cli(['--help'], tempDir());
    expect(help.status).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toContain(`  ${c.name} `);
    const none = await cli([], tempDir());
    expect(none.status).toBe(2);
    expect(none.stderr).toBe(help.stdout);
  });

  it.each([
    [
      ['deploy'],
      'axon-deploy: unknown command "deploy"; commands: init, synth, review, validate, status, controller, restore, schema',
    ],
    [['synth', '--colour'], 'axon-deploy synth: unknown option --colour'],
    [['synth', '--out'], 'axon-deploy synth: --out needs a value'],
    [['synth', 'prod'], 'axon-deploy synth: synth takes no arguments, got prod'],
    [['init', 'a', 'b'], 'axon-deploy init: too many arguments: b'],
    [
      ['controller', '-n', 'orders', '--axon-url', 'axonserver-1=8024'],
      'axon-deploy controller: --axon-url axonserver-1=8024: expected <node>=<url> or <node>:management=<url>',
    ],
    [
      ['controller', '-n', 'orders', '--poll-seconds', '0'],
      'axon-deploy controller: --poll-seconds 0: expected a positive number of seconds',
    ],
    [['status'], 'axon-deploy status: status needs an environment (or --namespace)'],
    [['status', '-n', 'orders', '--format', 'yaml'], 'axon-deploy status: --format yaml: expected text or json'],
    [['init', '--env', 'Prod'], 'axon-deploy init: --env "Prod": expected a name of lowercase letters'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const r = await cli(argv, tempDir());
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });
});

describe('synth', () => {
  it('writes dist/<env> for every environment and the Argo CD Applications, and says which Secrets each needs', async () => {
    const dir = fixtureProject();
    const r = await cli(['synth'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      'dist/prod: 56 objects; Argo CD Applications: dist/argocd/prod.yaml\n  needs Secrets in orders-prod: axon-deploy-controller-token, axoniq-license, axonserver-admin-password, axonserver-internal-token',
    );
    expect(r.stdout).toContain('dist/cluster: the rollout controller');
    expect(fs.readdirSync(path.join(dir, 'dist')).sort()).toEqual(['argocd', 'cluster', 'dev', 'prod', 'staging']);
    expect(snapshotTree(path.join(dir, 'dist'))).toEqual(Object.fromEntries(fixtureTree()));
  });

  it('honours --config and --out', async () => {
    const dir = fixtureProject();
    fs.renameSync(path.join(dir, 'config'), path.join(dir, 'environments'));
    const r = await cli(['synth', '--config', 'environments', '--out', 'manifests'], dir);
    expect(r.status).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['environments', 'manifests']);
    expect(r.stdout).toContain('manifests/dev: 16 objects');
  });

  it('removes the output of environments that no longer exist', async () => {
    const dir = fixtureProject();
    expect((await cli(['synth'], dir)).status).toBe(0);
    fs.rmSync(path.join(dir, 'config', 'staging.yaml'));
    expect((await cli(['synth'], dir)).status).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'dist')).sort()).toEqual(['argocd', 'cluster', 'dev', 'prod']);
    expect(fs.readdirSync(path.join(dir, 'dist', 'argocd')).sort()).toEqual(['dev.yaml', 'prod.yaml']);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.dist-'))).toEqual([]);
  });

  it.each([
    ['a misspelt key', { 'dev.yaml': 'environment: dev\nnamespace: orders-dev\naxonServr: {}\n' }],
    ['a YAML syntax error', { 'prod.yaml': 'environment: prod\nnamespace: [orders\n' }],
    ['an extends cycle', { '_base.yaml': 'extends: _base.yaml\n' }],
  ])('exits 1 on %s and leaves dist/ byte-for-byte as it was', async (_, files) => {
    const dir = fixtureProject();
    expect((await cli(['synth'], dir)).status).toBe(0);
    const before = snapshotTree(path.join(dir, 'dist'));
    writeFiles(path.join(dir, 'config'), files);
    const result = await cli(['synth'], dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^config\/\S+:\d+:\d+[: ]/);
    expect(result.stderr).toMatch(/error(s)?: nothing written; dist\/ is unchanged\.\n$/);
    expect(snapshotTree(path.join(dir, 'dist'))).toEqual(before);
  });

  it('--check writes nothing and exits 1 naming the stale files, 0 when current', async () => {
    const dir = fixtureProject();
    let r = await cli(['synth', '--check'], dir);
    expect(r.status).toBe(1);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
    expect(r.stderr).toContain(
      'dist/ is not what config/ produces; run axon-deploy synth and commit the result:\n  missing  dist/argocd/dev.yaml\n',
    );
    expect((await cli(['synth'], dir)).status).toBe(0);
    r = await cli(['synth', '--check'], dir);
    expect(r).toEqual({
      status: 0,
      stdout: `dist/ is what config/ produces (${fixtureTree().size} files)\n`,
      stderr: '',
    });
    fs.writeFileSync(path.join(dir, 'dist', 'prod', 'stray.yaml'), 'kind: x\n');
    r = await cli(['synth', '--check'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('  extra    dist/prod/stray.yaml\n');
  });

  it('--format json: the environments, their Secrets and the stale files for bots, the same exit status', async () => {
    const dir = fixtureProject();
    let r = await cli(['synth', '--format', 'json'], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const written = parseJson<SynthJson>(r.stdout);
    expect(written).toMatchObject({ version: 1, ok: true, out: 'dist', diagnostics: [] });
    const prod = defined(written.environments.find((e) => e.name === 'prod'));
    expect(prod).toMatchObject({ namespace: 'orders-prod', argocd: 'dist/argocd/prod.yaml' });
    expect(prod.objects).toBeGreaterThan(10);
    expect(prod.secrets.map((s) => s.name)).toContain('axoniq-license');
    fs.writeFileSync(path.join(dir, 'dist', 'prod', 'stray.yaml'), 'kind: x\n');
    r = await cli(['synth', '--check', '--format', 'json'], dir);
    expect(r.status).toBe(1);
    expect(parseJson<SynthJson>(r.stdout)).toMatchObject({
      ok: false,
      stale: [{ file: 'prod/stray.yaml', state: 'extra' }],
    });
    writeFiles(path.join(dir, 'config'), { 'dev.yaml': 'environment: dev\nnamespace: Orders\n' });
    r = await cli(['synth', '--format', 'json'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    const failed = parseJson<SynthJson>(r.stdout);
    expect(failed).toMatchObject({ ok: false, environments: [] });
    expect(failed.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'error', file: 'config/dev.yaml', field: 'namespace' }),
    );
    r = await cli(['synth', '--format', 'yaml'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--format yaml: expected text or json');
  });

  it('under cdk8s synth (CDK8S_OUTDIR) writes only where the cdk8s CLI says', async () => {
    const dir = fixtureProject();
    const r = await cli(['synth'], dir, { CDK8S_OUTDIR: 'cdk8s-out' });
    expect(r.status).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['cdk8s-out', 'config']);
    expect(snapshotTree(path.join(dir, 'cdk8s-out'))).toEqual(Object.fromEntries(fixtureTree()));
  });

  it('runs as a process: exit status 1 and messages without a stack trace', () => {
    const dir = fixtureProject({ 'dev.yaml': 'environment: dev\nnamespace: orders-dev\naxonServr: {}\n' });
    const result = spawnSync(process.execPath, [...CLI_ARGS, 'synth'], { cwd: dir, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'config/dev.yaml:3:1 axonServr: unknown key "axonServr" (did you mean "axonServer"?)',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  it('is deterministic: two processes write identical bytes', () => {
    const a = fixtureProject();
    const b = fixtureProject();
    for (const dir of [a, b]) execFileSync(process.execPath, [...CLI_ARGS, 'synth'], { cwd: dir, encoding: 'utf8' });
    const treeA = snapshotTree(path.join(a, 'dist'));
    expect(Object.keys(treeA).length).toBeGreaterThan(50);
    expect(snapshotTree(path.join(b, 'dist'))).toEqual(treeA);
  });
});

describe('the cdk8s CLI', () => {
  const cdk8s = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
  function project(): string {
    const dir = fixtureProject();
    fs.writeFileSync(
      path.join(dir, 'cdk8s.yaml'),
      `language: typescript\napp: ${process.execPath} ${CLI_ARGS[0]} synth\n`,
    );
    return dir;
  }

  it('cdk8s synth --stdout prints the manifests and writes nothing to disk', () => {
    const dir = project();
    execFileSync(process.execPath, [...CLI_ARGS, 'synth'], { cwd: dir });
    const before = snapshotTree(dir);
    const r = spawnSync(cdk8s, ['synth', '--stdout', '--no-check-upgrade'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('kind: StatefulSet');
    expect(snapshotTree(dir)).toEqual(before);
  });

  it('cdk8s synth writes the same tree as axon-deploy synth into its output directory', () => {
    const dir = project();
    const r = spawnSync(cdk8s, ['synth', '--output', 'out', '--no-check-upgrade'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(snapshotTree(path.join(dir, 'out'))).toEqual(Object.fromEntries(fixtureTree()));
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });
});

describe('schema', () => {
  it('writes schema.json and base.schema.json; --check finds them stale after a change', async () => {
    const dir = fixtureProject();
    let r = await cli(['schema', '--check'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('config/schema.json is out of date: run axon-deploy schema');
    r = await cli(['schema'], dir);
    expect(r).toEqual({ status: 0, stdout: 'wrote config/schema.json\nwrote config/base.schema.json\n', stderr: '' });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config', 'schema.json'), 'utf8'))).toEqual(
      environmentJsonSchema(),
    );
    expect(fs.readFileSync(path.join(dir, 'config', 'base.schema.json'), 'utf8')).not.toContain('"required": [');
    expect((await cli(['schema', '--check'], dir)).status).toBe(0);
  });

  it('--reference regenerates the configuration reference between its markers', async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'configuration.md'),
      '# x\n<!-- config-reference:start (generated by axon-deploy schema) -->\nold\n<!-- config-reference:end -->\nrest\n',
    );
    expect((await cli(['schema', '--reference', 'configuration.md'], dir)).status).toBe(0);
    const readme = fs.readFileSync(path.join(dir, 'configuration.md'), 'utf8');
    expect(readme).toContain('| `axonServer.nodes[].volumes.events.size` |');
    expect(readme).toMatch(/\n<!-- config-reference:end -->\nrest\n$/);
    fs.writeFileSync(path.join(dir, 'other.md'), 'no markers\n');
    const r = await cli(['schema', '--reference', 'other.md'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('other.md lacks the markers');
  });
});

describe('init', () => {
  it('scaffolds a deployment repository that synthesizes and validates as it is', async () => {
    const dir = tempDir();
    const r = await cli(
      [
        'init',
        'deploy',
        '--env',
        'test',
        '--namespace',
        'shop-test',
        '--repo-url',
        'https://git.example.com/shop/deploy.git',
      ],
      dir,
    );
    expect(r.status).toBe(0);
    const repo = path.join(dir, 'deploy');
    expect([...readTree(repo).keys()].sort()).toEqual([
      '.github/CODEOWNERS',
      '.github/workflows/axon-deploy-review-trigger.yml',
      '.github/workflows/axon-deploy-review.yml',
      '.github/workflows/axon-deploy.yml',
      '.gitignore',
      'README.md',
      'config/_base.yaml',
      'config/base.schema.json',
      'config/schema.json',
      'config/test.yaml',
      'package.json',
    ]);
    const pkg = readPackageJson(path.join(repo, 'package.json'));
    expect(pkg.devDependencies).toEqual({ 'axon-deploy': VERSION });
    expect(pkg.scripts?.synth).toBe('axon-deploy synth');
    expect(fs.readFileSync(path.join(repo, 'config', '_base.yaml'), 'utf8')).toContain(
      'repoURL: https://git.example.com/shop/deploy.git',
    );
    expect(r.stdout).toContain('Next:\n  cd deploy\n  npm install');
    const synth = await cli(['synth'], repo);
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    expect(synth.stdout).toContain('dist/test: ');
    expect((await cli(['validate'], repo)).status).toBe(0);
    expect((await cli(['schema', '--check'], repo)).status).toBe(0);
  });

  it('refuses to overwrite, names the files in the way and writes nothing', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'README.md': 'mine\n', 'config/dev.yaml': 'mine\n' });
    const r = await cli(['init'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'axon-deploy init: these files exist already and init never overwrites: README.md, config/dev.yaml; move them away or init another directory\n',
    );
    expect([...readTree(dir).keys()].sort()).toEqual(['README.md', 'config/dev.yaml']);
  });

  it('extends an existing package.json without changing what it has', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'package.json': JSON.stringify({
        name: 'ours',
        scripts: { synth: 'make synth' },
        devDependencies: { 'axon-deploy': 'file:../axon-deploy.tgz' },
      }),
    });
    const r = await cli(['init'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('  package.json (scripts and the axon-deploy devDependency added)');
    const pkg = readPackageJson(path.join(dir, 'package.json'));
    expect(pkg.name).toBe('ours');
    expect(pkg.scripts?.synth).toBe('make synth');
    expect(pkg.scripts?.review).toBe('axon-deploy review');
    expect(pkg.devDependencies).toEqual({ 'axon-deploy': 'file:../axon-deploy.tgz' });
  });
});

describe('validate', () => {
  it('passes on a synthesized dist/, fails with the object and field on a broken manifest, and needs the directory', async () => {
    const dir = fixtureProject();
    expect((await cli(['synth'], dir)).status).toBe(0);
    let r = await cli(['validate'], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+ objects in \d+ files under dist\/ match/);
    const file = path.join(dir, 'dist', 'prod', 'axon-server', 'service-axonserver-1.yaml');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('publishNotReadyAddresses: true', 'publishNotReadyAdresses: true'),
    );
    r = await cli(['validate'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'dist/prod/axon-server/service-axonserver-1.yaml: Service/axonserver-1: schema: spec: must NOT have additional properties (publishNotReadyAdresses)',
    );
    r = await cli(['validate', '--format', 'json'], dir);
    expect(r.status).toBe(1);
    const summary = parseJson<ValidateJson>(r.stdout);
    expect(summary).toMatchObject({ version: 1, ok: false, out: 'dist' });
    expect(summary.problems).toEqual([expect.stringContaining('Service/axonserver-1: schema: spec:')]);
    r = await cli(['validate', '--out', 'nowhere'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no directory nowhere: run axon-deploy synth first');
  });
});

describe('restore', () => {
  it("prints, for nodes that do not vote, the claims their StatefulSets adopt, each from the run's VolumeSnapshot", async () => {
    const project = fixtureProject();
    const r = await cli(['restore', 'prod', '--run', '20261201t020000z', '--node', 'axonserver-archive-1'], project);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("# axonserver-archive-1 vote in no group: they catch up from their groups' leaders.");
    const docs = yamlObjects(r.stdout).map((d) => asKind(d, 'PersistentVolumeClaim'));
    expect(
      docs.map(
        (d) =>
          `${d.metadata.name} <- ${defined(d.spec.dataSource).name} ${defined(d.spec.resources?.requests).storage} ${defined(d.spec.storageClassName)}`,
      ),
    ).toEqual([
      'events-axonserver-archive-1-0 <- events-axonserver-archive-1-0-20261201t020000z 4Ti axon-archive',
      'data-axonserver-archive-1-0 <- data-axonserver-archive-1-0-20261201t020000z 10Gi axon-fast',
      'log-axonserver-archive-1-0 <- log-axonserver-archive-1-0-20261201t020000z 20Gi axon-fast',
    ]);
    expect(docs[0].spec.dataSource).toEqual({
      apiGroup: 'snapshot.storage.k8s.io',
      kind: 'VolumeSnapshot',
      name: 'events-axonserver-archive-1-0-20261201t020000z',
    });
    expect(docs[0].metadata.namespace).toBe('orders-prod');
    expect(docs[0].metadata.annotations).toEqual({ 'axon-deploy.io/restored-from': '20261201t020000z' });
    expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
  });

  it('refuses to restore one voter from a snapshot (Raft safety) and says how to recover it instead', async () => {
    const project = fixtureProject();
    const r = await cli(['restore', 'prod', '--run', '20261201t020000z', '--node', 'axonserver-2'], project);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'axon-deploy restore: refused: axonserver-2 votes in replication group _admin, whose other voters (axonserver-1, axonserver-3) are not restored with it: ' +
        'a voter restored alone from an older snapshot forgets log entries it acknowledged, which Raft forbids. Restore from a snapshot only the whole cluster ' +
        "(all voters of its groups); recover one lost node by taking it out of its groups and letting it rejoin empty (axon-deploy's docs/runbooks/backups-and-restore.md#recovering-one-node).\n",
    );
  });

  it("restores a whole cluster with a Job per admin node that puts the run's config database back", async () => {
    const project = fixtureProject();
    const r = await cli(['restore', 'prod', '--run', '20261201t020000z'], project);
    expect(r.status).toBe(0);
    const docs = yamlObjects(r.stdout);
    expect(docs.filter((d) => d.kind === 'Job').map((d) => d.metadata.name)).toEqual([
      'axonserver-1-restore-configdb',
      'axonserver-2-restore-configdb',
      'axonserver-3-restore-configdb',
    ]);
    const job = defined(ofKind(docs, 'Job')[0]);
    const env = Object.fromEntries(defined(job.spec.template.spec.containers[0].env).map((e) => [e.name, e.value]));
    expect(env).toEqual({
      RESTORE_DATA_DIR: '/axonserver/data',
      RESTORE_CONFIGDB_FILE: 'axonserver-configdb.mv.db',
      RESTORE_NODE: 'axonserver-1',
    });
    expect(job.spec.template.spec.volumes?.[1]).toEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'data-axonserver-1-0', readOnly: false },
    });
  });

  it('refuses an unknown environment, node or run id (exit 2), and writes to --output when asked', async () => {
    const project = fixtureProject();
    expect((await cli(['restore', 'qa', '--run', '20261201t020000z'], project)).stderr).toContain(
      'no environment qa; environments: dev, prod, staging',
    );
    const node = await cli(['restore', 'prod', '--run', '20261201t020000z', '--node', 'axonserver-9'], project);
    expect([node.status, node.stderr.split('\n')[0]]).toEqual([
      2,
      'axon-deploy restore: no node axonserver-9 in prod; nodes: axonserver-1, axonserver-2, axonserver-3, axonserver-archive-1, axonserver-archive-2',
    ]);
    const run = await cli(['restore', 'prod', '--run', 'yesterday'], project);
    expect([run.status, run.stderr.split('\n')[0]]).toEqual([
      2,
      'axon-deploy restore: --run "yesterday" is not a backup run: expected its UTC start time like 20261201t020000z',
    ]);
    const out = await cli(['restore', 'prod', '--run', '20261201t020000z', '--output', 'restore.yaml'], project);
    expect(out.status).toBe(0);
    expect(fs.readFileSync(path.join(project, 'restore.yaml'), 'utf8')).toContain('kind: PersistentVolumeClaim');
    const none = await cli(['restore', 'dev', '--run', '20261201t020000z'], project);
    expect([none.status, none.stderr]).toEqual([
      2,
      'axon-deploy restore: refused: dev takes no backups (axonServer.backup.enabled is false): there are no backup runs to restore from\n',
    ]);
  });
});
