/**
 * The package as a team gets it: `npm pack`, install the tarball into an empty directory (no
 * sources of this repository, no TypeScript loader), `init`, `synth`, a release change, `review`
 * against the git base, every command's --help, and a custom cdk8s app that uses the library.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../../../src/cli/main';
import { defined, readPackageJson, ROOT, tempDir } from '../../support/helpers';

jest.setTimeout(240_000);

const VERSION = defined(readPackageJson(path.join(ROOT, 'package.json')).version);
let tarball: string;
let team: string;

const run = (cwd: string, command: string, args: string[]) =>
  spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_yes: 'true' } });
const axonDeploy = (args: string[], cwd = team) =>
  run(cwd, path.join(team, 'node_modules', '.bin', 'axon-deploy'), args);
const git = (...args: string[]) => execFileSync('git', args, { cwd: team, stdio: 'pipe' });

beforeAll(() => {
  const packDir = tempDir();
  const pack = run(ROOT, 'npm', ['pack', '--silent', '--pack-destination', packDir]);
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  tarball = path.join(packDir, pack.stdout.trim().split('\n').pop()!);
  team = tempDir();
  fs.writeFileSync(path.join(team, 'package.json'), JSON.stringify({ name: 'team-deploy', private: true }, null, 2));
  const install = run(team, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', tarball]);
  if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
});

it('ships compiled JavaScript, schemas and types, no sources and no TypeScript loader', () => {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((f) => f.replace(/^package\//, ''));
  expect(files).toEqual(
    expect.arrayContaining([
      'package.json',
      'README.md',
      'lib/index.js',
      'lib/bin.js',
      'lib/types/src/index.d.ts',
      'imports/schemas/kubernetes-v1.27.0/_definitions.json',
    ]),
  );
  expect(
    files.filter(
      (f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('config/') || f.startsWith('dist/'),
    ),
  ).toEqual([]);
  for (const loader of ['tsx', 'ts-node', 'typescript', 'esbuild'])
    expect(fs.existsSync(path.join(team, 'node_modules', loader))).toBe(false);
});

it('answers --version and --help for every command', () => {
  expect(axonDeploy(['--version']).stdout).toBe(`${VERSION}\n`);
  for (const { name } of COMMANDS) {
    const r = axonDeploy([name, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Usage: axon-deploy ${name}`);
  }
});

it('init, synth, a release change and its review against the git base', () => {
  const init = axonDeploy(['init', '--repo-url', 'https://git.example.com/team/deploy.git']);
  expect(init.stderr).toBe('');
  expect(init.status).toBe(0);
  const pkg = readPackageJson(path.join(team, 'package.json'));
  expect(pkg.devDependencies?.['axon-deploy']).toMatch(/^file:/); // kept as installed
  expect(pkg.scripts?.synth).toBe('axon-deploy synth');

  const synth = axonDeploy(['synth']);
  expect(synth.status).toBe(0);
  expect(synth.stdout).toContain('dist/dev: ');
  expect(axonDeploy(['validate']).status).toBe(0);
  expect(axonDeploy(['synth', '--check']).status).toBe(0);

  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'first environment');
  const dev = path.join(team, 'config', 'dev.yaml');
  fs.writeFileSync(
    dev,
    fs
      .readFileSync(dev, 'utf8')
      .replace('green: { version: "1.0.0", phase: OBSOLETE }', 'green: { version: "1.1.0", phase: INITIALISING }'),
  );

  const stale = axonDeploy(['review']);
  expect(stale.status).toBe(1);
  expect(stale.stdout).toContain('**stale-dist**');

  expect(axonDeploy(['synth']).status).toBe(0);
  const review = axonDeploy(['review']);
  expect(review.stderr).toBe('');
  expect(review.status).toBe(0);
  expect(review.stdout).toContain('- example-service-green: OBSOLETE → INITIALISING (version 1.0.0 → 1.1.0)');
  expect(review.stdout).toContain('| added | `Deployment/example-service-green` |');
});

it('serves a custom cdk8s app that adds its own objects beside ours', () => {
  fs.writeFileSync(
    path.join(team, 'custom-app.js'),
    `
const { App, ApiObject } = require('cdk8s');
const { EnvironmentChart, loadEnvironments, hasErrors, formatDiagnostic } = require('axon-deploy');
const { environments, diagnostics } = loadEnvironments('config');
if (hasErrors(diagnostics)) { console.error(diagnostics.map(formatDiagnostic).join('\\n')); process.exit(1); }
const app = new App({ outdir: 'custom-out' });
for (const { model } of environments) {
  const chart = new EnvironmentChart(app, model.name, { model });
  new ApiObject(chart, 'team-config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'team-settings' }, data: { owner: 'team' } });
}
app.synth();
`,
  );
  const r = run(team, process.execPath, ['custom-app.js']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const out = fs.readFileSync(path.join(team, 'custom-out', 'dev.k8s.yaml'), 'utf8');
  expect(out).toContain('kind: StatefulSet');
  expect(out).toContain('name: team-settings');
});

it('types the library for TypeScript users', () => {
  fs.writeFileSync(
    path.join(team, 'typed.ts'),
    `
import { App } from 'cdk8s';
import { EnvironmentChart, EnvironmentModel, loadEnvironments, PHASES } from 'axon-deploy';
const { environments } = loadEnvironments('config');
const app = new App();
const models: EnvironmentModel[] = environments.map((e) => e.model);
for (const model of models) new EnvironmentChart(app, model.name, { model });
const phase: (typeof PHASES)[number] = 'SERVING';
export { phase };
`,
  );
  const tsc = run(team, process.execPath, [
    require.resolve('typescript/bin/tsc'),
    '--noEmit',
    '--strict',
    '--module',
    'commonjs',
    '--moduleResolution',
    'node',
    '--target',
    'es2022',
    '--skipLibCheck',
    'typed.ts',
  ]);
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(tsc.status).toBe(0);
});
