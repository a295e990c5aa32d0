/**
 * The files `axon-deploy init` writes: a working deployment repository (config, CI, review).
 * Texts, not logic; the JSON Schemas come from `schema`, the package.json from `scaffold.ts`.
 */

export interface TemplateValues {
  readonly environment: string;
  readonly namespace: string;
  readonly repoUrl: string;
  readonly version: string;
}

export const baseConfig = (v: TemplateValues): string => `# yaml-language-server: $schema=./base.schema.json
# Settings shared by the environments that say \`extends: _base.yaml\`: maps merge key by key,
# lists replace. A file whose name starts with "_" is a base, never an environment.

# Extra labels on every object and pod (never in selectors, which are immutable).
labels:
  team: my-team

axonServer:
  # Pin Axon Server by tag or digest; use a -nonroot image (it runs as uid 1001).
  image: axoniq/axonserver:2025.1.5-jdk-17-nonroot

argocd:
  # The Git repository Argo CD syncs dist/<environment> from: this repository.
  repoURL: ${v.repoUrl}
  targetRevision: main
  # Each environment gets an AppProject of its own (named after its namespace) with least
  # privilege. To use an existing project instead: project: <name> and createProject: false.
`;

export const environmentConfig = (v: TemplateValues): string => `# yaml-language-server: $schema=./schema.json
# The ${v.environment} environment. One file per environment: config/<name>.yaml is synthesized to
# dist/<name>/ by \`npx axon-deploy synth\`. Every field is described in schema.json (your editor
# shows it while you type) and in the configuration reference of axon-deploy's README.
extends: _base.yaml
environment: ${v.environment}
namespace: ${v.namespace}

axonServer:
  # enterprise: a cluster with a licence, replication groups and roles (this file).
  # standard: exactly one standalone node, no licence and no replicationGroups.
  edition: enterprise
  # Secrets are referenced, never rendered: create them in the namespace before the first sync
  # (dist/${v.environment}/TOPOLOGY.md lists every Secret the environment reads).
  license:
    secretName: axoniq-license          # key: axoniq.license
  accessControl:
    enabled: true
    systemTokenSecret: axonserver-system-token      # key: token
    internalTokenSecret: axonserver-internal-token  # key: token
    controllerTokenSecret: axon-deploy-controller-token  # key: token; the controller registers it
  resources:
    requests: { cpu: "1", memory: 4Gi }
  # One singleton StatefulSet per node, each with its own volumes. Never rename a running node;
  # volumes can grow later (the review explains how), never shrink.
  nodes:
    - name: axonserver-1
      volumes:
        events: { size: 50Gi }
        data: { size: 5Gi }
        log: { size: 5Gi }
    - name: axonserver-2
      volumes:
        events: { size: 50Gi }
        data: { size: 5Gi }
        log: { size: 5Gi }
    - name: axonserver-3
      volumes:
        events: { size: 50Gi }
        data: { size: 5Gi }
        log: { size: 5Gi }
  # Roles per replication group, written to the cluster template (applied on the first start of
  # a clean cluster). An odd number of voters per group: the group runs while a majority is up.
  replicationGroups:
    - name: default
      contexts: [default]
      roles:
        axonserver-1: PRIMARY
        axonserver-2: PRIMARY
        axonserver-3: PRIMARY

# Axon Framework apps. blueGreen: two colour-suffixed Deployments, each replaying into its own
# read model, moved through SCHEDULED → INITIALISING → SERVING ↔ STANDING_BY → CLEANING_UP →
# OBSOLETE (by pull request, or in one with release.autoPromote). rolling: one Deployment updated
# in place. The rollout controller switches the live Service to a SERVING colour only once its
# event processors have caught up and it has the pods (release.promotion), with no gap in the
# command and query handlers (only the serving colour subscribes them). Declare processing groups with side effects
# (e-mails, payments, sagas) in sideEffects: they then run in the live colour only. A colour
# learns its phase from files, not its pod template, so a promotion restarts nothing.
apps:
  - name: example-service
    image: registry.example.com/my-team/example-service   # the tag is the release version
    context: default
    tokenSecret: example-service-axon-token               # key: token
    release:
      strategy: blueGreen
      colors:
        blue: { version: "1.0.0", phase: SERVING }
        green: { version: "1.0.0", phase: OBSOLETE }

argocd:
  destination:
    server: https://kubernetes.default.svc
`;

export const gitignore = (): string => `node_modules/
.cdk8s.out/
review.md
`;

export const ciWorkflow =
  (): string => `# Every push and pull request: dist/ must be exactly what config/ produces, the schema files
# must be current, and every manifest must pass the schema, pod security and secret checks and a
# strict server-side dry-run on a real kube-apiserver (envtest binaries, no cluster needed).
name: axon-deploy
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - name: dist/ is what config/ produces
        run: npx axon-deploy synth --check
      - name: The editor schemas are current
        run: npx axon-deploy schema --check
      - uses: actions/setup-go@v5
        with:
          go-version: stable
      - name: Kubernetes API server binaries (envtest)
        run: echo "KUBEBUILDER_ASSETS=$(go run sigs.k8s.io/controller-runtime/tools/setup-envtest@latest use 1.34 -p path)" >> "$GITHUB_ENV"
      - name: Every manifest passes the schema, pod security and secret checks, and a strict dry-run on a real API server
        run: npx axon-deploy validate --server
`;

/**
 * The pull-request review gate, built so that it cannot be talked around:
 *  - it runs from the base branch only: `pull_request_target` for pushes to the pull request, and
 *    `workflow_run` after the trigger workflow for reviews (GitHub runs `pull_request_review`
 *    workflows from the pull request's own files, so that one only passes the event on);
 *  - the pull request is only read, as data; the axon-deploy that reviews it is the base branch's;
 *  - when the pull request pins another axon-deploy version, that version (an exact registry
 *    version, installed without scripts, in a job without any token) proves dist/ as well;
 *  - a blocker counts as acknowledged only from an approving review of the commit under review by a
 *    code owner of the environment's config file (CODEOWNERS of the base branch);
 *  - the verdict is the commit status `axon-deploy/review` on the pull request's head commit, which
 *    the branch protection of main requires.
 * Written as lines so that GitHub's `${{ … }}` needs no escaping.
 */
export const reviewWorkflow = (toolCommand = 'node ../base/node_modules/axon-deploy/lib/bin.js'): string =>
  [
    '# Explains what a pull request does to the clusters, as a comment on the pull request, and sets',
    '# the commit status axon-deploy/review (require it on main): failure when the change has a',
    '# blocker (a change a live cluster rejects, data at risk, a release transition that is not',
    '# allowed, a security downgrade, a stale dist/).',
    '#',
    '# It runs from the base branch with the axon-deploy version of the base branch, and only reads',
    '# the pull request, so the change under review cannot change its own review. To do a blocked',
    "# change on purpose, a code owner (.github/CODEOWNERS, base branch) of the environment's config",
    "# file approves the pull request's latest commit with a line per blocker in the review text:",
    '#   /allow <rule>:<env>/<object>        e.g. /allow volume-resize:prod/statefulset/axonserver-1',
    '# (the report names the exact line, and who acknowledged what). Team owners need a token with',
    '# read:org in the secret AXON_DEPLOY_ORG_TOKEN; without it only owners named as @user count.',
    'name: axon-deploy review',
    'on:',
    '  pull_request_target:',
    '    types: [opened, synchronize, reopened]',
    '  workflow_run:',
    '    workflows: [axon-deploy review trigger]',
    '    types: [completed]',
    'permissions: {}',
    'concurrency:',
    '  group: axon-deploy-review-${{ github.event.pull_request.number || github.event.workflow_run.head_sha }}',
    '  cancel-in-progress: true',
    'jobs:',
    '  pull-request:',
    '    runs-on: ubuntu-latest',
    '    permissions:',
    '      pull-requests: read',
    '    outputs:',
    '      number: ${{ steps.pr.outputs.number }}',
    '      head: ${{ steps.pr.outputs.head }}',
    '      base: ${{ steps.pr.outputs.base }}',
    '      repository: ${{ steps.pr.outputs.repository }}',
    '    steps:',
    '      - name: Which pull request, at which commit (from the API, never from the trigger)',
    '        id: pr',
    '        uses: actions/github-script@v7',
    '        with:',
    '          script: |',
    '            const { owner, repo } = context.repo;',
    '            let number = context.payload.pull_request && context.payload.pull_request.number;',
    '            if (!number) {',
    '              const run = context.payload.workflow_run;',
    '              number = run.pull_requests && run.pull_requests[0] && run.pull_requests[0].number;',
    '              if (!number) {',
    '                const found = await github.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: run.head_sha });',
    '                number = found.data.length > 0 ? found.data[0].number : undefined;',
    '              }',
    "              if (!number) throw new Error('no pull request for ' + run.head_sha);",
    '            }',
    '            const { data: pr } = await github.rest.pulls.get({ owner, repo, pull_number: number });',
    "            core.setOutput('number', String(pr.number));",
    "            core.setOutput('head', pr.head.sha);",
    "            core.setOutput('base', pr.base.sha);",
    "            core.setOutput('repository', pr.head.repo.full_name);",
    '  head-version:',
    '    # The pull request may pin another axon-deploy: that version proves its dist/ too. No token, no secrets.',
    '    needs: pull-request',
    '    runs-on: ubuntu-latest',
    '    permissions: {}',
    '    outputs:',
    '      result: ${{ steps.check.outputs.result }}',
    '    steps:',
    '      - name: The base branch',
    '        uses: actions/checkout@v4',
    '        with:',
    '          ref: ${{ needs.pull-request.outputs.base }}',
    '          path: base',
    '          persist-credentials: false',
    '      - name: The pull request, as data',
    '        uses: actions/checkout@v4',
    '        with:',
    '          ref: ${{ needs.pull-request.outputs.head }}',
    '          repository: ${{ needs.pull-request.outputs.repository }}',
    '          path: head',
    '          persist-credentials: false',
    '      - uses: actions/setup-node@v4',
    '        with:',
    '          node-version: 20',
    "      - name: dist/ with the pull request's axon-deploy, when it pins another one",
    '        id: check',
    '        run: |',
    '          version() { node -e \'const p = require(process.argv[1]); process.stdout.write((p.devDependencies || {})["axon-deploy"] || (p.dependencies || {})["axon-deploy"] || "")\' "$1"; }',
    '          base=$(version "$PWD/base/package.json"); head=$(version "$PWD/head/package.json")',
    '          if [ "$base" = "$head" ]; then echo "result=same" >> "$GITHUB_OUTPUT"; exit 0; fi',
    '          if ! printf "%s" "$head" | grep -Eq "^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.]+)?$"; then',
    '            echo "result=unpinned: axon-deploy $head is not an exact registry version" >> "$GITHUB_OUTPUT"; exit 0',
    '          fi',
    '          mkdir tool && cd tool && npm init -y >/dev/null',
    '          npm install --ignore-scripts --no-audit --no-fund "axon-deploy@$head" >/dev/null',
    '          cd ../head',
    '          if node ../tool/node_modules/axon-deploy/lib/bin.js synth --check; then echo "result=current" >> "$GITHUB_OUTPUT";',
    '          else echo "result=stale: dist/ is not what axon-deploy $head produces from config/" >> "$GITHUB_OUTPUT"; fi',
    '  review:',
    '    needs: [pull-request, head-version]',
    '    runs-on: ubuntu-latest',
    '    permissions:',
    '      contents: read',
    '      pull-requests: write',
    '      statuses: write',
    '    steps:',
    '      - name: The base branch (its axon-deploy reviews the change)',
    '        uses: actions/checkout@v4',
    '        with:',
    '          ref: ${{ needs.pull-request.outputs.base }}',
    '          path: base',
    '          persist-credentials: false',
    '      - uses: actions/setup-node@v4',
    '        with:',
    '          node-version: 20',
    "      - name: Install the base branch's axon-deploy, without running install scripts",
    '        working-directory: base',
    '        run: npm ci --ignore-scripts --no-audit --no-fund',
    '      - name: The pull request, as data (never run)',
    '        uses: actions/checkout@v4',
    '        with:',
    '          ref: ${{ needs.pull-request.outputs.head }}',
    '          repository: ${{ needs.pull-request.outputs.repository }}',
    '          fetch-depth: 0',
    '          path: head',
    '          persist-credentials: false',
    "      - name: Make the base commit known in the pull request's history",
    '        run: git -C head fetch --quiet --no-tags "${{ github.server_url }}/${{ github.repository }}" "${{ needs.pull-request.outputs.base }}"',
    '      - name: Reviews, code owners and team members',
    '        uses: actions/github-script@v7',
    '        env:',
    '          ORG_TOKEN: ${{ secrets.AXON_DEPLOY_ORG_TOKEN }}',
    '          PULL_NUMBER: ${{ needs.pull-request.outputs.number }}',
    '        with:',
    '          script: |',
    "            const fs = require('fs');",
    '            const { owner, repo } = context.repo;',
    '            const pull_number = Number(process.env.PULL_NUMBER);',
    '            const reviews = await github.paginate(github.rest.pulls.listReviews, { owner, repo, pull_number });',
    "            fs.writeFileSync('reviews.json', JSON.stringify(reviews));",
    "            const file = ['base/.github/CODEOWNERS', 'base/CODEOWNERS', 'base/docs/CODEOWNERS'].find((f) => fs.existsSync(f));",
    "            const codeowners = file ? fs.readFileSync(file, 'utf8') : '';",
    "            fs.writeFileSync('CODEOWNERS', codeowners);",
    '            const teams = {};',
    '            if (process.env.ORG_TOKEN) {',
    '              const org = getOctokit(process.env.ORG_TOKEN);',
    '              for (const team of new Set(codeowners.match(/@[\\w.-]+\\/[\\w.-]+/g) || [])) {',
    "                const [org_name, team_slug] = team.slice(1).split('/');",
    '                const members = await org.paginate(org.rest.teams.listMembersInOrg, { org: org_name, team_slug });',
    '                teams[team] = members.map((m) => m.login);',
    '              }',
    '            }',
    "            fs.writeFileSync('teams.json', JSON.stringify(teams));",
    '      - name: Review the change',
    '        id: review',
    '        working-directory: head',
    '        env:',
    '          HEAD_VERSION: ${{ needs.head-version.outputs.result }}',
    '        run: |',
    '          set +e',
    `          ${toolCommand} review --base "\${{ needs.pull-request.outputs.base }}" \\`,
    '            --commit "${{ needs.pull-request.outputs.head }}" --head-tool "$HEAD_VERSION" \\',
    '            --reviews ../reviews.json --codeowners ../CODEOWNERS --teams ../teams.json --report ../review.md',
    '          echo "status=$?" >> "$GITHUB_OUTPUT"',
    '      - name: Post the report and set the commit status',
    '        if: always()',
    '        uses: actions/github-script@v7',
    '        env:',
    '          PULL_NUMBER: ${{ needs.pull-request.outputs.number }}',
    '          HEAD_SHA: ${{ needs.pull-request.outputs.head }}',
    '          STATUS: ${{ steps.review.outputs.status }}',
    '        with:',
    '          script: |',
    "            const fs = require('fs');",
    '            const { owner, repo } = context.repo;',
    "            const ok = process.env.STATUS === '0';",
    '            await github.rest.repos.createCommitStatus({',
    "              owner, repo, sha: process.env.HEAD_SHA, context: 'axon-deploy/review',",
    "              state: ok ? 'success' : 'failure',",
    "              description: ok ? 'no blockers (or all acknowledged)' : 'blockers: see the review comment',",
    '              target_url: `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`,',
    '            });',
    "            if (!fs.existsSync('review.md')) return;",
    "            const marker = '<!-- axon-deploy-review -->';",
    "            const body = marker + '\\n' + fs.readFileSync('review.md', 'utf8');",
    '            const issue_number = Number(process.env.PULL_NUMBER);',
    '            const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number });',
    '            const previous = comments.find((c) => c.body && c.body.startsWith(marker));',
    '            if (previous) await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });',
    '            else await github.rest.issues.createComment({ owner, repo, issue_number, body });',
    '',
  ].join('\n');

/**
 * Passes a pull-request review on to the gate. GitHub runs a `pull_request_review` workflow from
 * the pull request's own copy of this file, so it holds nothing: no token, no checkout, no step
 * the gate trusts. The gate (axon-deploy-review.yml, from the base branch) runs on its completion.
 */
export const reviewTriggerWorkflow = (): string =>
  [
    '# A review was submitted: re-run the axon-deploy review gate (axon-deploy-review.yml), which runs',
    "# from the base branch on this workflow's completion. This file runs from the pull request, so it",
    '# does nothing else: nothing it could do counts.',
    'name: axon-deploy review trigger',
    'on:',
    '  pull_request_review:',
    '    types: [submitted, edited, dismissed]',
    'permissions: {}',
    'jobs:',
    '  trigger:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo "a review of pull request ${{ github.event.pull_request.number }}, the gate re-runs"',
    '',
  ].join('\n');

export const codeOwners = (
  owners: readonly string[],
): string => `# Code owners (GitHub CODEOWNERS). axon-deploy's review counts the acknowledgement of a blocker
# (a line "/allow <rule>:<env>/<object>" in an approving review of the commit under review) only
# from a code owner of the environment's config file, as this file says on the base branch. The
# last matching rule wins. Require their review in the branch protection of main, too.
${
  owners.length > 0
    ? `/config/ ${owners.join(' ')}\n`
    : `# Nobody is named yet, so no blocker can be acknowledged. For example:
#
# /config/            @my-org/platform-team
# /config/prod.yaml   @my-org/platform-leads
`
}`;

export const readme = (v: TemplateValues): string => `# Deployment repository

Axon Server and Axon Framework apps for Kubernetes, rendered by
[axon-deploy](https://www.npmjs.com/package/axon-deploy) ${v.version} and synced by Argo CD.

- \`config/<env>.yaml\`: one environment per file (\`config/_*.yaml\` are shared bases). Your
  editor completes and checks fields through \`config/schema.json\`.
- \`dist/<env>/\`: the manifests, one file per object, generated: never edit them by hand.
  \`dist/<env>/TOPOLOGY.md\` pictures the environment and lists the Secrets it needs.
- \`dist/argocd/<env>.yaml\`: the Argo CD Application of each environment.

## Making a change

\`\`\`sh
npm ci
$EDITOR config/${v.environment}.yaml
npx axon-deploy synth      # validates every file, then rewrites dist/
npx axon-deploy review     # what the change does to the clusters
git add config dist && git commit
\`\`\`

CI (\`.github/workflows/axon-deploy.yml\`) fails when \`dist/\` is not what \`config/\` produces.
Pull requests get the review as a comment (\`.github/workflows/axon-deploy-review.yml\`, run from
the base branch, never from the pull request) and the commit status \`axon-deploy/review\`:
require it in the branch protection of main. A blocker fails it until the change is fixed, or a
code owner of the environment's config file (\`.github/CODEOWNERS\`) approves the pull request's
latest commit with a line per blocker in the review text, exactly as the report names it:
\`/allow <rule>:<env>/<object>\`. A new approval re-runs the review
(\`.github/workflows/axon-deploy-review-trigger.yml\`, which only passes the event on).

## Upgrading axon-deploy

\`npm install --save-dev --save-exact axon-deploy@<version>\`, then \`npx axon-deploy synth\`
and \`npx axon-deploy schema\`, and commit \`package.json\`, \`package-lock.json\`, \`config/\` and
\`dist/\` together: the review of that pull request shows what the new version changes.
`;
