/**
 * axon-deploy review: what a change does to the clusters. Compares config/ and dist/ at a git
 * base (default: the merge base with main) with the working tree and prints a Markdown report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isRuleId, REVIEW_RULES, RULE_IDS } from '../../domain/rules';
import { Acknowledgement, applyAllows, renderReport, reviewJson } from '../../review/report';
import { reviewSnapshots, wholeConfigBlocker } from '../../review/review';
import type { EnvReview } from '../../review/findings';
import { checkoutRef, defaultBase, snapshotOfProject } from '../../review/snapshot';
import {
  acknowledgementsFromReviews,
  CodeOwnersRule,
  parseCodeOwners,
  PullRequestReview,
  ReviewAcknowledgements,
} from '../../review/codeowners';
import { PACKAGE_NAME, toolVersion } from '../../package-info';
import { Command, flag, listOption, ParsedArgs, stringOption, UsageError } from '../args';

const ALLOW = /^([a-z-]+):([a-z0-9*-]+)\/(.+)$/;

/** Checks each `--allow <rule>:<env>/<object>`; an unknown rule is a usage error listing the valid ones. */
export function parseAllows(values: readonly string[]): string[] {
  for (const value of values) {
    const m = ALLOW.exec(value);
    if (!m)
      throw new UsageError(
        `--allow expects <rule>:<env>/<object>, e.g. volume-resize:prod/statefulset/axonserver-1, got ${value}`,
      );
    if (!isRuleId(m[1]))
      throw new UsageError(`--allow ${value}: unknown rule "${m[1]}"; rules: ${RULE_IDS.join(', ')}`);
  }
  return [...values];
}

function readJson(option: string, file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--${option} ${file}: ${(err as Error).message}`);
  }
}

/** The acknowledgements of code owners' approving reviews (--reviews, --codeowners, --teams). */
function reviewAcknowledgements(args: ParsedArgs, cwd: string): ReviewAcknowledgements {
  const file = (name: string) =>
    typeof args.values[name] === 'string' ? path.resolve(cwd, args.values[name]) : undefined;
  const reviewsFile = file('reviews');
  if (!reviewsFile) {
    if (file('codeowners') || file('teams')) throw new UsageError('--codeowners and --teams go with --reviews');
    return { acknowledgements: [], ignored: [] };
  }
  const codeowners = file('codeowners');
  if (!codeowners)
    throw new UsageError('--reviews needs --codeowners <file>: only code owners may acknowledge a blocker');
  const reviews = readJson('reviews', reviewsFile);
  if (!Array.isArray(reviews))
    throw new UsageError(
      `--reviews ${reviewsFile}: expected the JSON array GitHub's "list reviews for a pull request" returns`,
    );
  let rules: CodeOwnersRule[];
  try {
    rules = parseCodeOwners(fs.readFileSync(codeowners, 'utf8'));
  } catch (err) {
    throw new UsageError(`--codeowners ${codeowners}: ${(err as Error).message}`);
  }
  const teams = file('teams') ? (readJson('teams', file('teams')!) as Record<string, string[]>) : {};
  const result = acknowledgementsFromReviews(
    reviews as PullRequestReview[],
    rules,
    teams,
    stringOption(args, 'config', 'config'),
    typeof args.values.commit === 'string' ? args.values.commit : undefined,
  );
  parseAllows(result.acknowledgements.map((a) => a.allow));
  return result;
}

/**
 * The verdict of the pull request's own axon-deploy on its dist/ (the gate's head-version job),
 * as a blocker when it is stale or the version cannot be trusted to run.
 */
function headToolReview(result: string | undefined, pinned: string | undefined): EnvReview | undefined {
  if (!result || result === 'same' || result === 'current') return undefined;
  return wholeConfigBlocker(
    'stale-dist',
    'dist',
    `the pull request's axon-deploy ${pinned ?? '(unpinned)'} does not prove its dist/: ${result}`,
    [
      'A pull request that changes the axon-deploy version is checked by that version too: pin an exact registry version, run its `axon-deploy synth` and commit dist/.',
    ],
  );
}

/** The exact axon-deploy version the project's package.json pins, if it pins one. */
function pinnedToolVersion(dir: string): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    const spec = pkg.devDependencies?.[PACKAGE_NAME] ?? pkg.dependencies?.[PACKAGE_NAME];
    return spec && /^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec) ? spec : undefined;
  } catch {
    return undefined;
  }
}

export const reviewCommand: Command = {
  name: 'review',
  summary: 'explain what a change does to the clusters, and block what a live cluster would refuse or what loses data',
  options: [
    {
      name: 'base',
      type: 'string',
      value: '<git-ref>',
      default: 'the merge base of HEAD with main (or origin/main)',
      description: 'The git revision to compare the working tree with.',
    },
    {
      name: 'config',
      type: 'string',
      value: '<dir>',
      default: 'config',
      description: 'Directory of the environment files, relative to the repository root.',
    },
    {
      name: 'out',
      type: 'string',
      value: '<dir>',
      default: 'dist',
      description: 'Directory of the synthesized manifests, relative to the repository root.',
    },
    {
      name: 'allow',
      type: 'string',
      multiple: true,
      value: '<rule>:<env>/<object>',
      description:
        'Acknowledge one blocker, exactly as the report names it, e.g. volume-resize:prod/statefulset/axonserver-1.',
    },
    {
      name: 'reviews',
      type: 'string',
      value: '<file>',
      description:
        "Pull-request reviews as GitHub's API lists them (JSON): the `/allow` lines of each reviewer's latest review count when it approves and the reviewer is a code owner (--codeowners) of the environment's config file.",
    },
    {
      name: 'codeowners',
      type: 'string',
      value: '<file>',
      description: 'With --reviews: the CODEOWNERS file of the base branch.',
    },
    {
      name: 'teams',
      type: 'string',
      value: '<file>',
      description: 'With --reviews: members of the teams CODEOWNERS names, as JSON { "@org/team": ["login", …] }.',
    },
    {
      name: 'commit',
      type: 'string',
      value: '<sha>',
      description: 'With --reviews: only approvals of this commit count (the commit under review).',
    },
    {
      name: 'head-tool',
      type: 'string',
      value: '<result>',
      description:
        "What the pull request's own pinned axon-deploy said of its dist/, when it pins another version than this one (the gate workflow's head-version job): same, current, or stale: <why> / unpinned: <why> (a blocker).",
    },
    {
      name: 'report',
      type: 'string',
      value: '<file>',
      description: 'Also write the report to this file (e.g. for a pull-request comment).',
    },
    {
      name: 'format',
      type: 'string',
      value: 'markdown|json',
      default: 'markdown',
      description:
        'markdown for people; json for bots and other forges: every finding with its rule, severity, object and acknowledgement (schema: docs/reference/review.schema.json in the axon-deploy repository).',
    },
    {
      name: 'diff',
      type: 'boolean',
      description: 'Add a unified diff of every changed object of dist/.',
    },
    {
      name: 'strict',
      type: 'boolean',
      description: 'Warnings fail too (exit 1), for pipelines that accept none.',
    },
  ],
  notes: [
    'The report lists per environment the objects added, removed and changed, the release transitions, the pods that restart in sync-wave order, the Secrets the change needs and the changed topology. A dist/ that is not what config/ produces is a blocker.',
    `Rules: ${RULE_IDS.map((id) => `${id}${REVIEW_RULES[id].blocks ? '' : ' (warning)'}`).join(', ')}.`,
  ],
  exitCodes: [
    [0, 'no blockers (or all acknowledged)'],
    [1, 'blockers (with --strict: warnings too)'],
    [2, 'usage error (unknown option or rule, no git repository, unknown base)'],
  ],
  run(args, io) {
    const format = stringOption(args, 'format', 'markdown');
    if (format !== 'markdown' && format !== 'json')
      throw new UsageError(`--format ${format}: expected markdown or json`);
    const allows: (string | Acknowledgement)[] = parseAllows(listOption(args, 'allow'));
    const fromReviews = reviewAcknowledgements(args, io.cwd);
    allows.push(...fromReviews.acknowledgements);
    const layout = { config: stringOption(args, 'config', 'config'), out: stringOption(args, 'out', 'dist') };
    let base: string;
    let baseLabel: string;
    try {
      base = typeof args.values.base === 'string' ? args.values.base : defaultBase(io.cwd);
      baseLabel =
        typeof args.values.base === 'string' ? `\`${base}\`` : `\`${base.slice(0, 12)}\` (merge base with main)`;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    let baseDir: string;
    try {
      baseDir = checkoutRef(io.cwd, base, [layout.config, layout.out]);
    } catch (err) {
      const detail = ((err as { stderr?: Buffer }).stderr?.toString() || (err as Error).message).trim().split('\n')[0];
      throw new UsageError(`cannot read ${base} from git: ${detail}`);
    }
    try {
      const before = snapshotOfProject(baseDir, layout);
      // dist/ is checked against config/ only when the working tree uses this version of the tool:
      // a pull request that upgrades axon-deploy is reviewed with the base's version, and its own
      // CI (synth --check) proves dist/ with the new one.
      const pinned = pinnedToolVersion(io.cwd);
      const headTool = typeof args.values['head-tool'] === 'string' ? args.values['head-tool'] : undefined;
      const sameTool = pinned === undefined || pinned === toolVersion();
      const after = snapshotOfProject(io.cwd, layout, sameTool);
      const notes = [
        ...(before.configErrors.length > 0
          ? [
              `the config at the base does not build with this version of axon-deploy (${before.configErrors.length} error${before.configErrors.length === 1 ? '' : 's'}); release and role checks compare only the rendered objects`,
            ]
          : []),
        ...fromReviews.ignored,
        ...(sameTool
          ? []
          : [
              headTool === 'current'
                ? `the working tree pins axon-deploy ${pinned}; this review runs ${toolVersion()} (the base's), and ${pinned} confirmed that dist/ is what config/ produces`
                : `the working tree pins axon-deploy ${pinned}; this review runs ${toolVersion()} (the base's), so whether dist/ is what config/ produces is left to ${pinned} (the gate's head-version job, or CI's \`axon-deploy synth --check\`)`,
            ]),
      ];
      const reviews = reviewSnapshots(before, after, { diff: flag(args, 'diff') });
      const headToolFinding = headToolReview(headTool, pinned);
      if (headToolFinding) reviews.unshift(headToolFinding);
      const result = applyAllows(reviews, allows);
      const context = { base: baseLabel, head: 'the working tree', notes };
      const report =
        format === 'json' ? `${JSON.stringify(reviewJson(result, context), null, 2)}\n` : renderReport(result, context);
      io.stdout(report);
      const reportFile = typeof args.values.report === 'string' ? args.values.report : undefined;
      if (reportFile) fs.writeFileSync(path.resolve(io.cwd, reportFile), report);
      const warnings = reviews.some((r) => r.findings.some((f) => f.severity === 'warning'));
      return result.blocking.length > 0 || (flag(args, 'strict') && warnings) ? 1 : 0;
    } finally {
      fs.rmSync(baseDir, { recursive: true, force: true });
    }
  },
};
