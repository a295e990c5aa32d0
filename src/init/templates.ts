/**
 * The files `axon-deploy init` writes: a working deployment repository (config, CI, review).
 * Texts, not logic; the workflows are files (src/scripts/workflows/), the JSON Schemas come from
 * `schema`, the package.json from `scaffold.ts`.
 */
import type { Assets } from '../assets';

type Workflows = Assets['workflows'];

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
# shows it while you type) and in axon-deploy's configuration reference (node_modules/axon-deploy/docs/reference/configuration.md).
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

/** The CI workflow: dist/ current, schemas current, every manifest valid on a real API server. */
export const ciWorkflow = (workflows: Workflows): string => workflows['axon-deploy.yml'];

/**
 * The pull-request review gate (src/scripts/workflows/axon-deploy-review.yml), built so that it
 * cannot be talked around:
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
 * `toolCommand` runs the base branch's axon-deploy (this repository's own gate runs its sources).
 */
export const reviewWorkflow = (
  workflows: Workflows,
  toolCommand = 'node ../base/node_modules/axon-deploy/lib/bin.js',
): string => fill(workflows['axon-deploy-review.yml'], { TOOL_COMMAND: toolCommand });

/**
 * Passes a pull-request review on to the gate. GitHub runs a `pull_request_review` workflow from
 * the pull request's own copy of this file, so it holds nothing: no token, no checkout, no step
 * the gate trusts. The gate (axon-deploy-review.yml, from the base branch) runs on its completion.
 */
export const reviewTriggerWorkflow = (workflows: Workflows): string => workflows['axon-deploy-review-trigger.yml'];

/** A template with every `@NAME@` replaced by its value; a name without a value is a bug. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/@([A-Z][A-Z_]*)@/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the template names @${name}@, which has no value`);
    return value;
  });
}

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
