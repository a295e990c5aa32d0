/** axon-deploy init [dir]: scaffold a deployment repository that depends on this version. */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { nameProblem, scaffold } from '../../init/scaffold';
import { toolVersion } from '../../package-info';
import { Command, listOption, stringOption, UsageError } from '../args';

const PLACEHOLDER_REPO = 'https://git.example.com/my-team/deploy.git';

/** The repository's `origin`, if it is a git repository with one. */
function originOf(dir: string): string | undefined {
  try {
    return (
      execFileSync('git', ['remote', 'get-url', 'origin'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString('utf8')
        .trim() || undefined
    );
  } catch {
    return undefined;
  }
}

export const initCommand: Command = {
  name: 'init',
  summary: 'scaffold a deployment repository (config, CI and review workflows) that depends on this version',
  positionals: '[dir]',
  maxPositionals: 1,
  options: [
    {
      name: 'env',
      type: 'string',
      value: '<name>',
      default: 'dev',
      description: 'Name of the starter environment (config/<name>.yaml).',
    },
    {
      name: 'namespace',
      type: 'string',
      value: '<name>',
      default: 'the environment name',
      description: 'Namespace of the starter environment.',
    },
    {
      name: 'repo-url',
      type: 'string',
      value: '<url>',
      default: `the git remote "origin", else ${PLACEHOLDER_REPO}`,
      description: 'Git repository Argo CD syncs dist/ from.',
    },
    {
      name: 'owners',
      type: 'string',
      multiple: true,
      value: '<@org/team|@user>',
      description:
        'Who may acknowledge a review blocker: the code owners of config/ (.github/CODEOWNERS). Repeatable. Without it CODEOWNERS names nobody, and no blocker can be acknowledged until you add someone.',
    },
  ],
  notes: [
    'Writes package.json (or adds the missing scripts and the axon-deploy devDependency to an existing one), config/_base.yaml, a commented config/<env>.yaml, config/schema.json and base.schema.json, .github/workflows/axon-deploy.yml (CI), axon-deploy-review.yml and axon-deploy-review-trigger.yml (the pull-request review gate), .github/CODEOWNERS, .gitignore and README.md.',
    'Never overwrites: when any of these files exists, init writes nothing and names them.',
  ],
  exitCodes: [
    [0, 'the repository was written'],
    [1, 'files are in the way (nothing written)'],
    [2, 'usage error'],
  ],
  run(args, io) {
    const dir = path.resolve(io.cwd, args.positionals[0] ?? '.');
    const environment = stringOption(args, 'env', 'dev');
    const namespace = stringOption(args, 'namespace', environment);
    const problem = nameProblem('--env', environment, 40) ?? nameProblem('--namespace', namespace, 63);
    if (problem) throw new UsageError(problem);
    const repoUrl = stringOption(args, 'repo-url', originOf(dir) ?? PLACEHOLDER_REPO);
    const version = toolVersion();
    const owners = listOption(args, 'owners');
    for (const o of owners)
      if (!/^@[\w.-]+(\/[\w.-]+)?$/.test(o))
        throw new UsageError(`--owners ${o}: expected a GitHub @user or @org/team`);
    const result = scaffold({ dir, environment, namespace, repoUrl, version, owners });
    const shown = path.relative(io.cwd, dir) || '.';
    if (!result.ok) {
      io.stderr(`axon-deploy init: ${result.problem}\n`);
      return 1;
    }
    const lines = [
      `Created a deployment repository in ${shown} (axon-deploy ${version}):`,
      ...(result.packageJson === 'created'
        ? ['  package.json']
        : result.packageJson === 'extended'
          ? ['  package.json (scripts and the axon-deploy devDependency added)']
          : []),
      ...result.written.map((f) => `  ${f}`),
      '',
      'Next:',
      ...(shown === '.' ? [] : [`  cd ${shown}`]),
      '  npm install                  # installs axon-deploy',
      '  npx axon-deploy synth        # writes dist/',
      '  git add -A && git commit -m "axon-deploy: first environment"',
      ...(repoUrl === PLACEHOLDER_REPO
        ? ['', `Set argocd.repoURL in config/_base.yaml (now ${PLACEHOLDER_REPO}).`]
        : []),
      `Before the first sync, create the Secrets dist/${environment}/TOPOLOGY.md lists.`,
      ...(owners.length === 0
        ? [
            'Name who may acknowledge review blockers in .github/CODEOWNERS (init --owners), and require their review on main.',
          ]
        : []),
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};
