/**
 * Who may acknowledge a blocker: a code owner of the environment's config file, in an approving
 * review. CODEOWNERS as GitHub reads it (last matching rule wins), the latest review per
 * reviewer, teams through their members; and the whole path through `axon-deploy review`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acknowledgementsFromReviews, ownersOf, parseCodeOwners } from '../../../src/review/codeowners';
import { shippedAssets } from '../../../src/assets';
import { fill, reviewTriggerWorkflow, reviewWorkflow } from '../../../src/init/templates';
import { cli, defined, fixtureProject, ROOT, writeFiles } from '../../support/helpers';
import { parseYaml, stringOf } from '../../support/manifests';

/** What the tests read of a GitHub Actions workflow. */
interface Workflow {
  name: string;
  on: Record<string, { workflows?: string[] } | null>;
  permissions?: Record<string, string>;
  jobs: Record<
    string,
    {
      permissions?: Record<string, string>;
      steps: { id?: string; uses?: string; run?: string; with?: Record<string, unknown> }[];
    }
  >;
}

const CODEOWNERS = `# owners
*                   @org/everyone
/config/            @org/platform
/config/prod.yaml   @alice @org/prod-leads   # prod needs a lead
docs/**             @bob
*.md                @writers
`;
const rules = parseCodeOwners(CODEOWNERS);

describe('CODEOWNERS', () => {
  it.each([
    ['config/prod.yaml', ['@alice', '@org/prod-leads']],
    ['config/dev.yaml', ['@org/platform']],
    ['config/', ['@org/platform']],
    ['dist/prod/apps/x.yaml', ['@org/everyone']],
    ['docs/a/b/c.txt', ['@bob']],
    ['README.md', ['@writers']],
    ['docs/guide.md', ['@writers']],
  ])('%s is owned by %j (the last matching rule)', (file, owners) => {
    expect(ownersOf(rules, file)).toEqual(owners);
  });
});

describe('acknowledgements from reviews', () => {
  const review = (login: string, state: string, body: string, at = '2026-12-01T10:00:00Z') => ({
    user: { login },
    state,
    body,
    submitted_at: at,
  });
  const allow = '/allow volume-resize:prod/statefulset/axonserver-1';

  it('counts an approving review of a code owner, directly or through a team', () => {
    const result = acknowledgementsFromReviews(
      [
        review('alice', 'APPROVED', `${allow}\nlooks right`),
        review('carol', 'APPROVED', '/allow phase-transition:prod/app/order-service-blue'),
      ],
      rules,
      { '@org/prod-leads': ['carol'] },
      'config',
    );
    expect(result.acknowledgements).toEqual([
      { allow: 'volume-resize:prod/statefulset/axonserver-1', by: 'alice' },
      { allow: 'phase-transition:prod/app/order-service-blue', by: 'carol' },
    ]);
    expect(result.ignored).toEqual([]);
  });

  it('counts an approval only for the commit it approved: a later push needs a new one', () => {
    const result = acknowledgementsFromReviews(
      [
        { ...review('alice', 'APPROVED', allow), commit_id: 'a'.repeat(40) },
        {
          ...review('carol', 'APPROVED', '/allow phase-transition:prod/app/order-service-blue'),
          commit_id: 'b'.repeat(40),
        },
      ],
      rules,
      { '@org/prod-leads': ['carol'] },
      'config',
      'b'.repeat(40),
    );
    expect(result.acknowledgements).toEqual([{ allow: 'phase-transition:prod/app/order-service-blue', by: 'carol' }]);
    expect(result.ignored).toEqual([
      `@alice's \`/allow volume-resize:prod/statefulset/axonserver-1\` does not count: it approved commit ${'a'.repeat(12)}, not ${'b'.repeat(12)}, the one under review`,
    ]);
  });

  it("ignores the author's own text, comments, non-owners, and reviews that do not approve", () => {
    const result = acknowledgementsFromReviews(
      [
        review('mallory', 'APPROVED', allow),
        review('dave', 'COMMENTED', allow),
        review('alice', 'APPROVED', allow, '2026-12-01T09:00:00Z'),
        review('alice', 'CHANGES_REQUESTED', allow, '2026-12-01T11:00:00Z'),
      ],
      rules,
      {},
      'config',
    );
    expect(result.acknowledgements).toEqual([]);
    expect(result.ignored).toEqual([
      "@mallory's `/allow volume-resize:prod/statefulset/axonserver-1` does not count: @mallory is not a code owner of config/prod.yaml (owners: @alice, @org/prod-leads)",
      "@alice's `/allow volume-resize:prod/statefulset/axonserver-1` does not count: their latest review does not approve",
    ]);
  });
});

describe('axon-deploy review with reviews and CODEOWNERS', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('passes a blocker a code owner acknowledged, names who, and lists what did not count', async () => {
    const dir = fixtureProject();
    expect((await cli(['synth'], dir)).status).toBe(0);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '.');
    git(dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'base');
    const prod = path.join(dir, 'config', 'prod.yaml');
    fs.writeFileSync(
      prod,
      fs
        .readFileSync(prod, 'utf8')
        .replace(
          'events: { size: 500Gi, storageClass: axon-fast }',
          'events: { size: 600Gi, storageClass: axon-fast }',
        ),
    );
    expect((await cli(['synth'], dir)).status).toBe(0);
    writeFiles(dir, {
      CODEOWNERS: CODEOWNERS,
      'reviews.json': JSON.stringify([
        { user: { login: 'mallory' }, state: 'APPROVED', body: '/allow volume-resize:prod/statefulset/axonserver-1' },
        { user: { login: 'alice' }, state: 'APPROVED', body: '/allow volume-resize:prod/statefulset/axonserver-1' },
      ]),
    });
    const r = await cli(['review', '--reviews', 'reviews.json', '--codeowners', 'CODEOWNERS'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      '- **volume-resize** `statefulset/axonserver-1`: grows volume events of axonserver-1 from 500Gi to 600Gi: volume claim templates are immutable, the sync would fail — acknowledged by @alice',
    );
    expect(r.stdout).toContain(
      "> Note: @mallory's `/allow volume-resize:prod/statefulset/axonserver-1` does not count: @mallory is not a code owner of config/prod.yaml",
    );
    const alone = await cli(['review', '--reviews', 'reviews.json'], dir);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('--reviews needs --codeowners <file>: only code owners may acknowledge a blocker');
  });
});

const { workflows } = shippedAssets();

it('fills every @NAME@ of a template, and refuses a template naming a value it lacks', () => {
  expect(fill('run: @TOOL@ review # ${{ github.sha }} @org/team', { TOOL: 'npx axon-deploy' })).toBe(
    'run: npx axon-deploy review # ${{ github.sha }} @org/team',
  );
  expect(() => fill('@TOOL@ @OTHER@', { TOOL: 'x' })).toThrow('the template names @OTHER@, which has no value');
  for (const text of Object.values(workflows)) expect(() => parseYaml<unknown>(text)).not.toThrow();
});

it('this repository reviews pull requests with the workflows init writes, running its own base version', () => {
  expect(fs.readFileSync(path.join(ROOT, '.github/workflows/review.yml'), 'utf8')).toBe(
    reviewWorkflow(workflows, 'node ../base/scripts/axon-deploy.cjs'),
  );
  expect(fs.readFileSync(path.join(ROOT, '.github/workflows/review-trigger.yml'), 'utf8')).toBe(
    reviewTriggerWorkflow(workflows),
  );
});

describe('the review gate cannot be edited away', () => {
  const gate = parseYaml<Workflow>(reviewWorkflow(workflows));
  const trigger = parseYaml<Workflow>(reviewTriggerWorkflow(workflows));

  it('runs only from the base branch: pull_request_target and workflow_run, never pull_request_review', () => {
    expect(Object.keys(gate.on).sort()).toEqual(['pull_request_target', 'workflow_run']);
    expect(gate.on.workflow_run?.workflows).toEqual([trigger.name]);
    expect(Object.keys(trigger.on)).toEqual(['pull_request_review']);
    // The trigger runs the pull request's copy of itself: it may do nothing.
    expect(trigger.permissions).toEqual({});
    expect(trigger.jobs.trigger.steps.map((s) => Object.keys(s))).toEqual([['run']]);
  });

  it('reads the pull request as data, binds approvals to its head commit, and checks a new tool version without a token', () => {
    expect(gate.permissions).toEqual({});
    const steps = gate.jobs.review.steps;
    const run = stringOf(defined(steps.find((s) => s.id === 'review')).run);
    expect(run).toContain('--commit "${{ needs.pull-request.outputs.head }}"');
    expect(run).toContain('--head-tool "$HEAD_VERSION"');
    for (const s of steps.filter((x) => x.uses?.startsWith('actions/checkout')))
      expect(s.with?.['persist-credentials']).toBe(false);
    expect(gate.jobs['head-version'].permissions).toEqual({});
    expect(gate.jobs.review.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', statuses: 'write' });
    expect(defined(steps.at(-1)).with?.script).toContain("context: 'axon-deploy/review'");
  });
});
