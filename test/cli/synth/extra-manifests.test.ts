/**
 * The extension slot: a team's own manifests (`extraManifests: <dir>`) go into the apps part of
 * dist/<environment>/, its kustomization and the AppProject's kinds, and the review sees them as
 * it sees every object (no stale dist/); what must not be rendered is refused with its file and line.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { cli, fixtureProject, writeFiles } from '../../support/helpers';
import { parseJson } from '../../support/manifests';

const TEAM_OBJECTS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: team-settings
data:
  owner: orders
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-team-monitoring
  namespace: orders-dev
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

/** The fixture project with dev.yaml pointing at extra/dev and these files in it. */
function projectWith(files: Readonly<Record<string, string>>): string {
  const dir = fixtureProject();
  fs.appendFileSync(path.join(dir, 'config', 'dev.yaml'), '\nextraManifests: extra/dev\n');
  writeFiles(path.join(dir, 'config', 'extra', 'dev'), files);
  return dir;
}

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, 'dist', file), 'utf8');

it("synthesizes the team's objects into the apps part, its kustomization and the AppProject, in the environment's namespace", async () => {
  const dir = projectWith({ 'team.yaml': TEAM_OBJECTS });
  expect((await cli(['synth'], dir)).status).toBe(0);
  const configMap = parse(read(dir, 'dev/apps/configmap-team-settings.yaml')) as {
    metadata: { namespace: string };
    data: Record<string, string>;
  };
  expect(configMap).toMatchObject({ metadata: { namespace: 'orders-dev' }, data: { owner: 'orders' } });
  expect(read(dir, 'dev/apps/kustomization.yaml')).toContain('- networkpolicy-allow-team-monitoring.yaml');
  expect(read(dir, 'argocd/dev.yaml')).toContain('kind: NetworkPolicy');
  // Committed, then a change to the team's object: the review shows it, and dist/ is not stale.
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'team objects');
  writeFiles(path.join(dir, 'config', 'extra', 'dev'), {
    'team.yaml': TEAM_OBJECTS.replace('owner: orders', 'owner: payments'),
  });
  expect((await cli(['synth'], dir)).status).toBe(0);
  const review = await cli(['review', '--base', 'main', '--format', 'json'], dir);
  const report = parseJson<{
    environments: { findings: { rule: string }[]; changes: { kind: string; name: string }[] }[];
  }>(review.stdout);
  expect(review.status).toBe(0);
  expect(report.environments.flatMap((e) => e.findings).map((f) => f.rule)).not.toContain('stale-dist');
  expect(report.environments.flatMap((e) => e.changes)).toContainEqual(
    expect.objectContaining({ kind: 'ConfigMap', name: 'team-settings' }),
  );
});

it('refuses a Secret, another namespace and a name axon-deploy renders, with file and line, and writes nothing', async () => {
  const dir = projectWith({
    'a.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-password\nstringData:\n  password: hunter2\n',
    'b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: elsewhere\n  namespace: kube-system\n',
    'c.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: order-service\nspec: {}\n',
  });
  const r = await cli(['synth'], dir);
  expect(r.status).toBe(1);
  expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  expect(r.stderr).toContain(
    'config/extra/dev/a.yaml:1:1 extraManifests: Secret/db-password: Secrets are referenced, never rendered into dist/',
  );
  expect(r.stderr).toContain(
    'config/extra/dev/b.yaml:1:1 extraManifests: ConfigMap/elsewhere: expected no namespace or orders-dev',
  );
  expect(r.stderr).toContain(
    'extraManifests: config/extra/dev/c.yaml:1:1: Service "order-service" is also an object axon-deploy renders',
  );
});

it('names a directory that does not exist', async () => {
  const dir = fixtureProject();
  fs.appendFileSync(path.join(dir, 'config', 'dev.yaml'), '\nextraManifests: extra/nowhere\n');
  const r = await cli(['synth'], dir);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/config\/dev\.yaml:\d+:\d+ extraManifests: there is no directory config\/extra\/nowhere/);
});
