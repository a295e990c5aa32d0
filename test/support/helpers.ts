/**
 * Shared test helpers: temporary config directories, synthesis, finding objects by kind and name.
 *
 * Tests never read the repository's own config/ or dist/ (a sample deployment repository that
 * teams change): they use the fixture environments under test/fixtures/envs/config/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { runCli } from '../../src/cli/main';
import { formatDiagnostic } from '../../src/config/diagnostics';
import { buildAll } from '../../src/build';
import type { EnvironmentModel } from '../../src/model/types';
import { KubeObject, OutputTree, renderOutput, synthesizeEnvironment } from '../../src/synth/render';
import { defined, find, ofKind, parseJson, parseYaml } from './manifests';

export { container, defined, envOf, find, has, ofKind } from './manifests';

export const ROOT = path.resolve(__dirname, '../..');
/** The fixture environments: dev (standard), staging and prod (enterprise), with a shared base. */
export const FIXTURE_CONFIG = path.join(ROOT, 'test/fixtures/envs/config');
export const FIXTURE_ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
/** Node arguments that run this working tree's `axon-deploy` as a process, from any directory. */
export const CLI_ARGS = [path.join(ROOT, 'scripts/axon-deploy.cjs')];

const created: string[] = [];
/** A fresh temporary directory, removed when the test file is done. */
export function tempDir(prefix = 'axon-deploy-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
}

/** Writes `files` under <tmp>/config and runs load + validate + model; returns formatted diagnostics and models. */
export function diagnose(files: Readonly<Record<string, string>>): { lines: string[]; models: EnvironmentModel[] } {
  const dir = tempDir();
  writeFiles(path.join(dir, 'config'), files);
  const { inputs, diagnostics } = buildAll('config', dir);
  return { lines: diagnostics.map(formatDiagnostic), models: inputs.map((i) => i.model) };
}

/** Diagnostics without the file position, for tests about what is said rather than where. */
export const withoutPosition = (line: string) => line.replace(/^\S+:\d+:\d+ /, '');

export function readConfig(env: string): Record<string, unknown> {
  const config: unknown = parse(fs.readFileSync(path.join(FIXTURE_CONFIG, `${env}.yaml`), 'utf8'));
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new Error(`${env}.yaml does not hold a map`);
  return { ...config };
}

/** The fixture prod.yaml changed by `edit`, as YAML text (positions shift; assert messages, not lines). */
export function prodWith(edit: (config: ProdConfig) => void): string {
  const config = readConfig('prod') as unknown as ProdConfig;
  edit(config);
  return stringify(config);
}

/** A project directory (config/ copied from the fixtures, plus `files`), for CLI tests. */
export function fixtureProject(files: Readonly<Record<string, string>> = {}): string {
  const dir = tempDir();
  fs.cpSync(FIXTURE_CONFIG, path.join(dir, 'config'), { recursive: true });
  writeFiles(path.join(dir, 'config'), files);
  return dir;
}

/** The output tree the fixture environments produce (as dist/ would hold it). */
export function fixtureTree(): OutputTree {
  return renderOutput(
    FIXTURE_ENVIRONMENTS.map((env) => ({ model: fixture(env).model, sourceFile: `config/${env}.yaml` })),
  );
}

/** A loose view of prod.yaml for edits in tests: what the fixture has, and room for what tests add. */
export type ProdConfig = {
  [key: string]: unknown;
  axonServer: {
    [key: string]: unknown;
    nodes: {
      [key: string]: unknown;
      name: string;
      zone?: string;
      tags?: Record<string, string>;
      volumes: Record<string, unknown>;
    }[];
    replicationGroups: { name: string; contexts?: string[]; roles: Record<string, string> }[];
    properties?: Record<string, unknown>;
    accessControl: Record<string, unknown>;
    probes: Record<string, Record<string, number>>;
    storageClasses: { [key: string]: unknown; name: string }[];
    tls: {
      [key: string]: unknown;
      enabled: boolean;
      http?: boolean;
      keystorePasswordSecret?: { name: string };
    };
    registration: { [key: string]: unknown; users?: { [key: string]: unknown; userName: string; roles: string[] }[] };
    ui: {
      [key: string]: unknown;
      allowedFrom?: { namespace: string; podLabels?: Record<string, string> }[];
      ingress?: { [key: string]: unknown; annotations?: Record<string, string> };
    };
  };
  apps: {
    [key: string]: unknown;
    name: string;
    release: {
      strategy: string;
      colors?: Record<
        string,
        { version: string; phase: string; replicas?: number; digest?: string; probes?: Record<string, unknown> }
      >;
      version?: string;
      adopt?: string;
      promotion?: { processors?: boolean; maxLagEvents?: number; timeoutSeconds?: number };
      autoPromote?: { standBySeconds?: number };
    };
    env?: Record<string, string | Record<string, string>>;
    readModel?: Record<string, unknown>;
    autoscaling?: Record<string, unknown>;
    expose?: {
      [key: string]: unknown;
      host?: string;
      previewHost?: string;
      ingress?: { [key: string]: unknown; annotations?: Record<string, string> };
    };
    sideEffects?: { processingGroups: string[]; store?: Record<string, unknown>; seed?: string };
  }[];
  patches: {
    target: { kind: string; name: string };
    patch: { op: string; path: string; value?: unknown }[];
    why: string;
  }[];
  monitoring: { [key: string]: unknown; enabled: boolean; scrapers?: Record<string, unknown>[] };
  argocd: { [key: string]: unknown; repoURL: string };
};

/** Model and objects of the fixture environments, built once per test file. */
const cache = new Map<string, { model: EnvironmentModel; objects: KubeObject[] }>();
export function fixture(env: string): { model: EnvironmentModel; objects: KubeObject[] } {
  if (!cache.has(env)) {
    const { inputs, diagnostics } = buildAll('config', path.dirname(FIXTURE_CONFIG));
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(errors.map(formatDiagnostic).join('\n'));
    for (const { model } of inputs) cache.set(model.name, { model, objects: synthesizeEnvironment(model) });
  }
  return cache.get(env)!;
}

/** Objects of a config given as text (one environment named after `env`). */
export function synthText(env: string, yamlText: string): { model: EnvironmentModel; objects: KubeObject[] } {
  const { lines, models } = diagnose({ [`${env}.yaml`]: yamlText });
  const errors = lines.filter((l) => !l.includes(': warning: '));
  if (errors.length > 0 || models.length !== 1) throw new Error(`config has errors:\n${errors.join('\n')}`);
  return { model: models[0], objects: synthesizeEnvironment(models[0]) };
}

/** Runs the command line in-process; returns its exit status and output. */
export async function cli(
  argv: readonly string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    cwd,
    env,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { status, stdout, stderr };
}

/** axonserver.properties of an environment's objects (its configuration revision). */
export function propertiesOf(objects: readonly KubeObject[]): string {
  const revisions = ofKind(objects, 'ConfigMap').filter((o) => o.metadata.name.startsWith('axonserver-config-'));
  if (revisions.length !== 1) throw new Error(`expected one configuration revision, found ${revisions.length}`);
  return defined(revisions[0].data, 'data in the configuration revision')['axonserver.properties'];
}

/** What tests read of a package.json. */
export interface PackageJson {
  name?: string;
  version?: string;
  scripts?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export const readPackageJson = (file: string): PackageJson => parseJson<PackageJson>(fs.readFileSync(file, 'utf8'));

/** Axon Server's cluster template (cluster-template.yml), as rendered. */
export interface ClusterTemplate {
  first: string;
  replicationGroups: { name: string; roles: { node: string; role: string }[]; contexts: { name: string }[] }[];
  applications: unknown[];
  users: unknown[];
}

/** The cluster template an environment's objects carry (ConfigMap axonserver-cluster-template). */
export function clusterTemplateOf(objects: readonly KubeObject[]): ClusterTemplate {
  const cm = find(objects, 'ConfigMap', 'axonserver-cluster-template');
  const file = defined(cm.data?.['cluster-template.yml'], 'cluster-template.yml');
  return parseYaml<{ axoniq: { axonserver: { 'cluster-template': ClusterTemplate } } }>(file).axoniq.axonserver[
    'cluster-template'
  ];
}

/**
 * The test kube-apiserver global-setup started (its kubeconfig and kubectl), or undefined without
 * the envtest binaries: then the caller's tests are skipped with a notice on stderr, unless
 * AXON_DEPLOY_REQUIRE_APISERVER is set (as in CI), which fails the test file instead.
 */
export function testApiServer(what: string): { kubeconfig: string; kubectl: string } | undefined {
  const kubeconfig = process.env.AXON_DEPLOY_TEST_KUBECONFIG;
  const kubectl = process.env.AXON_DEPLOY_TEST_KUBECTL;
  if (kubeconfig && kubectl) return { kubeconfig, kubectl };
  if (process.env.AXON_DEPLOY_REQUIRE_APISERVER)
    throw new Error(
      `AXON_DEPLOY_REQUIRE_APISERVER is set, but ${what} has no kube-apiserver (see test/support/global-setup.ts)`,
    );
  process.stderr.write(
    `\u26A0 ${what}: SKIPPED, no kube-apiserver. Enable with KUBEBUILDER_ASSETS=<dir with etcd, kube-apiserver, kubectl>.\n`,
  );
  return undefined;
}
