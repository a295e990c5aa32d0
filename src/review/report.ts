/**
 * The review as Markdown, for the terminal and as a pull-request comment. Blockers that were
 * acknowledged (`--allow <rule>:<env>/<object>`, or an acknowledgement from an approving review of
 * a code owner) stay in the report, marked as acknowledged, with who acknowledged them.
 */
import { REVIEW_RULES } from '../domain/rules';
import { RELEASE_ORDER } from '../domain/waves';
import type { EnvReview, Finding } from './findings';

export interface ReviewResult {
  readonly reviews: readonly EnvReview[];
  /** Blockers not acknowledged: any makes the exit status 1. */
  readonly blocking: readonly Finding[];
  readonly allowed: readonly Finding[];
  /** Who acknowledged each allowed blocker, by its key. */
  readonly acknowledgedBy: ReadonlyMap<string, readonly string[]>;
  /** Acknowledgements that matched no blocker. */
  readonly unusedAllows: readonly string[];
  /** Acknowledgements of blockers that cannot be acknowledged (the change must be fixed). */
  readonly refusedAllows: readonly string[];
}

export const allowKey = (f: Finding) => `${f.rule}:${f.env}/${f.object}`;

const acknowledgeable = (f: Finding) => !(REVIEW_RULES[f.rule] as { final?: boolean }).final;

/** An acknowledgement of one blocker: `<rule>:<env>/<object>`, and who gave it. */
export interface Acknowledgement {
  readonly allow: string;
  /** A GitHub login from an approving review, or "command line". */
  readonly by: string;
}

/** Splits blockers into blocking and allowed by the acknowledgements given (final rules cannot be allowed). */
export function applyAllows(
  reviews: readonly EnvReview[],
  acknowledgements: readonly (Acknowledgement | string)[],
): ReviewResult {
  const acks = acknowledgements.map((a) => (typeof a === 'string' ? { allow: a, by: 'command line' } : a));
  const blockers = reviews.flatMap((r) => r.findings.filter((f) => f.severity === 'blocker'));
  const byKey = new Map<string, string[]>();
  for (const a of acks) byKey.set(a.allow, [...new Set([...(byKey.get(a.allow) ?? []), a.by])]);
  const allowed = blockers.filter((f) => acknowledgeable(f) && byKey.has(allowKey(f)));
  const used = new Set(allowed.map(allowKey));
  const refused = new Set(blockers.filter((f) => !acknowledgeable(f)).map(allowKey));
  const keys = [...byKey.keys()];
  return {
    reviews,
    blocking: blockers.filter((f) => !allowed.includes(f)),
    allowed,
    acknowledgedBy: new Map([...byKey].filter(([k]) => used.has(k))),
    unusedAllows: keys.filter((a) => !used.has(a) && !refused.has(a)),
    refusedAllows: keys.filter((a) => refused.has(a)),
  };
}

export interface ReportContext {
  /** How the base was chosen, e.g. "`1a2b3c4` (merge base with main)". */
  readonly base: string;
  readonly head: string;
  readonly notes: readonly string[];
}

export function renderReport(result: ReviewResult, ctx: ReportContext): string {
  const out: string[] = ['# axon-deploy review', '', `Base: ${ctx.base} · compared with: ${ctx.head}`, ''];
  out.push(summaryLine(result), '');
  for (const note of ctx.notes) out.push(`> Note: ${note}`, '');
  for (const unused of result.unusedAllows) out.push(`> Note: \`--allow ${unused}\` matched no blocker.`, '');
  for (const refused of result.refusedAllows)
    out.push(`> Note: \`--allow ${refused}\` cannot be acknowledged: fix the change.`, '');
  for (const review of result.reviews) out.push(...environmentSection(review, result));
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/** Blockers, acknowledged blockers, warnings and objects changed, in one line. */
function summaryLine(result: ReviewResult): string {
  const warnings = result.reviews.flatMap((r) => r.findings.filter((f) => f.severity === 'warning'));
  const changed = result.reviews.reduce((n, r) => n + r.changes.length, 0);
  return [
    result.blocking.length > 0 ? `**⛔ ${count(result.blocking.length, 'blocker')}**` : '**✅ no blockers**',
    ...(result.allowed.length > 0 ? [`${count(result.allowed.length, 'acknowledged blocker')}`] : []),
    `⚠️ ${count(warnings.length, 'warning')}`,
    `${count(changed, 'object')} added, removed or changed`,
  ].join(' · ');
}

/** One environment's section: findings, releases, changes, restarts, topology and diff. */
function environmentSection(review: EnvReview, result: ReviewResult): string[] {
  if (review.changes.length === 0 && review.findings.length === 0 && !review.topology && review.releases.length === 0)
    return [`## ${review.env}: no changes`, ''];
  const out = [review.env === '*' ? '## The config' : `## ${review.env}`, ''];
  const allowedKeys = new Set(result.allowed.map(allowKey));
  const blockers = review.findings.filter((f) => f.severity === 'blocker');
  section(
    out,
    '### ⛔ Blockers',
    blockers.filter((f) => !allowedKeys.has(allowKey(f))),
    true,
  );
  const acknowledged = blockers.filter((f) => allowedKeys.has(allowKey(f)));
  section(out, '### ✅ Acknowledged blockers', acknowledged, false, result.acknowledgedBy);
  section(
    out,
    '### ⚠️ Warnings',
    review.findings.filter((f) => f.severity === 'warning'),
    false,
  );
  out.push(...releasesPart(review), ...changesPart(review), ...restartsPart(review));
  if (review.topology)
    out.push('### Topology (the sections that changed)', '', review.topology.replace(/^## /gm, '#### '), '');
  if (review.diffs && review.diffs.length > 0)
    out.push('### Diff of dist/', '', '```diff', ...review.diffs.map((d) => d.trimEnd()), '```', '');
  return out;
}

function releasesPart(review: EnvReview): string[] {
  if (review.releases.length === 0) return [];
  return [
    '### Releases',
    '',
    ...review.releases.map((r) => `- ${r}`),
    '',
    'Argo CD applies them in this order:',
    ...RELEASE_ORDER.map((step, i) => `${i + 1}. wave ${step.wave}: ${step.objects}`),
    `${RELEASE_ORDER.length + 1}. after the sync (PostSync): cleanup Jobs`,
    '',
  ];
}

/** The objects added, removed or changed, with their changed values (at most MAX_VALUES each). */
function changesPart(review: EnvReview): string[] {
  if (review.changes.length === 0) return [];
  const out = ['### Changes', '', '| change | object | what changed |', '|---|---|---|'];
  for (const c of review.changes) {
    const shown = c.values.length > MAX_VALUES ? c.values.slice(0, MAX_VALUES) : c.values;
    const more = c.values.length - shown.length;
    const what = [
      ...(c.replaces ? [`a new revision, replaces \`${c.replaces}\``] : []),
      ...shown.map((v) => `\`${cell(v)}\``),
      ...(more > 0 ? [`… ${more} more (\`--diff\` shows all)`] : []),
    ];
    out.push(`| ${c.change} | \`${c.kind}/${c.name}\` | ${what.join('<br>')} |`);
  }
  out.push('');
  return out;
}

/** The pods each Argo CD Application restarts in its own sync-wave order, then the controller's nodes. */
function restartsPart(review: EnvReview): string[] {
  const out: string[] = [];
  const bySync = review.restarts.filter((r) => r.by === 'sync');
  const byController = review.restarts.filter((r) => r.by === 'controller');
  for (const part of [...new Set(bySync.map((r) => r.part))]) {
    const restarts = bySync.filter((r) => r.part === part);
    out.push(
      `### Pods that restart when the ${part ? `${part} Application` : 'environment'} syncs, in sync-wave order`,
      '',
    );
    restarts.forEach((r, i) => out.push(`${i + 1}. wave ${r.wave}: ${r.kind} \`${r.name}\` (${r.why})`));
    out.push('');
  }
  if (byController.length > 0) {
    out.push(
      '### Axon Server nodes the rollout controller restarts after the sync, one at a time',
      '',
      'In this order, a group leader after the others; each only when the cluster can afford it.',
      '',
    );
    byController.forEach((r, i) => out.push(`${i + 1}. \`${r.name}\` (${r.why})`));
    out.push('');
  }
  return out;
}

function section(
  out: string[],
  title: string,
  findings: readonly Finding[],
  withAllow: boolean,
  acknowledgedBy?: ReadonlyMap<string, readonly string[]>,
): void {
  if (findings.length === 0) return;
  out.push(title, '');
  for (const f of findings) {
    const by = acknowledgedBy?.get(allowKey(f));
    out.push(
      `- **${f.rule}** \`${f.object}\`: ${f.message}${by ? ` — acknowledged by ${by.map((b) => (b === 'command line' ? 'the command line' : `@${b}`)).join(', ')}` : ''}`,
    );
    for (const d of f.details) out.push(`  ${d}`);
    if (withAllow && acknowledgeable(f))
      out.push(`  To do this on purpose, acknowledge it: \`--allow ${allowKey(f)}\``);
  }
  out.push('');
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Values shown per changed object before "… N more". */
const MAX_VALUES = 12;

/** A value inside a Markdown table cell and code span. */
const cell = (v: string) => v.replace(/\|/g, '\\|').replace(/`/g, "'");

/** The version of the review's JSON (docs/reference/review.schema.json). */
export const REVIEW_JSON_VERSION = 1;

/**
 * The review as data (`review --format json`), for bots, dashboards and other forges: every
 * finding with its rule, severity, object and whether it was acknowledged (by whom), the object
 * changes with their values, the restarts, per environment. Validated against
 * docs/reference/review.schema.json by the tests.
 */
export function reviewJson(result: ReviewResult, ctx: ReportContext): Record<string, unknown> {
  const allowed = new Set(result.allowed.map(allowKey));
  return {
    version: REVIEW_JSON_VERSION,
    base: ctx.base.replace(/`/g, ''),
    head: ctx.head,
    blocking: result.blocking.length,
    acknowledged: result.allowed.length,
    warnings: result.reviews.reduce((n, r) => n + r.findings.filter((f) => f.severity === 'warning').length, 0),
    notes: [...ctx.notes],
    environments: result.reviews.map((r) => ({
      env: r.env,
      releases: [...r.releases],
      findings: r.findings.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        object: f.object,
        message: f.message,
        details: [...f.details],
        allow: allowKey(f),
        acknowledged: allowed.has(allowKey(f)),
        acknowledgedBy: [...(result.acknowledgedBy.get(allowKey(f)) ?? [])],
      })),
      changes: r.changes.map((c) => ({
        kind: c.kind,
        name: c.name,
        change: c.change,
        ...(c.replaces ? { replaces: c.replaces } : {}),
        fields: [...c.fields],
        values: [...c.values],
      })),
      restarts: r.restarts.map((x) => ({ ...x })),
      topologyChanged: r.topology !== undefined,
    })),
  };
}
