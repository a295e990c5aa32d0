/**
 * Who may acknowledge a blocker: a code owner (GitHub CODEOWNERS of the base branch) of the
 * environment's config file, in an approving review. The pull-request workflow hands the raw
 * reviews and the base branch's CODEOWNERS to the review; the decision is made here, in the
 * base branch's tool, so a pull request cannot change it.
 */

export interface CodeOwnersRule {
  readonly pattern: string;
  readonly owners: readonly string[];
  readonly regex: RegExp;
}

/** Parses CODEOWNERS: `pattern owner…` per line, `#` comments; later rules win. */
export function parseCodeOwners(text: string): CodeOwnersRule[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((l) => l !== '')
    .map((line) => {
      const [pattern, ...owners] = line.split(/\s+/);
      return { pattern, owners, regex: patternRegex(pattern) };
    });
}

/** A CODEOWNERS pattern (gitignore syntax, as GitHub reads it) as a regular expression over repository paths. */
function patternRegex(pattern: string): RegExp {
  let p = pattern;
  const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
  p = p.replace(/^\//, '');
  const directory = p.endsWith('/');
  p = p.replace(/\/$/, '');
  const body = p
    .split('/')
    .map((seg) =>
      seg === '**'
        ? '(?:.*/)?'
        : `${seg
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]')}/`,
    )
    .join('')
    .replace(/\/$/, '');
  const prefix = anchored ? '^' : '^(?:.*/)?';
  return new RegExp(`${prefix}${body.replace(/\(\?:\.\*\/\)\?$/, '.*')}${directory ? '/.*' : '(?:/.*)?'}$`);
}

/** The owners of a path: those of the last rule that matches it. */
export function ownersOf(rules: readonly CodeOwnersRule[], file: string): readonly string[] {
  let owners: readonly string[] = [];
  for (const rule of rules) if (rule.regex.test(file)) owners = rule.owners;
  return owners;
}

/** A pull-request review as GitHub's API lists it (the fields used here). */
export interface PullRequestReview {
  readonly user: { readonly login: string } | null;
  readonly state: string;
  readonly body: string | null;
  readonly submitted_at?: string;
  /** The commit the review was submitted on (GitHub's pull request review `commit_id`). */
  readonly commit_id?: string;
}

export interface ReviewAcknowledgements {
  readonly acknowledgements: readonly { readonly allow: string; readonly by: string }[];
  /** Why some `/allow` lines did not count. */
  readonly ignored: readonly string[];
}

const ALLOW_LINE = /^\/allow\s+(\S+)/gm;

/**
 * Acknowledgements from the latest review of each reviewer: only an APPROVED one counts, only
 * its `/allow <rule>:<env>/<object>` lines, and only when the reviewer owns the environment's
 * config file (`<configDir>/<env>.yaml`) — directly, or through a team in `teams`.
 */
export function acknowledgementsFromReviews(
  reviews: readonly PullRequestReview[],
  rules: readonly CodeOwnersRule[],
  teams: Readonly<Record<string, readonly string[]>>,
  configDir: string,
  /** When given, only approvals of this commit count (a later push needs a new approval). */
  commit?: string,
): ReviewAcknowledgements {
  const latest = new Map<string, PullRequestReview>();
  for (const r of reviews) {
    if (!r.user || r.state === 'COMMENTED' || r.state === 'PENDING') continue;
    latest.set(r.user.login.toLowerCase(), r);
  }
  const acknowledgements: { allow: string; by: string }[] = [];
  const ignored: string[] = [];
  for (const review of latest.values()) {
    const login = review.user!.login;
    for (const m of (review.body ?? '').matchAll(ALLOW_LINE)) {
      const allow = m[1];
      if (review.state !== 'APPROVED') {
        ignored.push(`@${login}'s \`/allow ${allow}\` does not count: their latest review does not approve`);
        continue;
      }
      if (commit && review.commit_id !== commit) {
        ignored.push(
          `@${login}'s \`/allow ${allow}\` does not count: it approved ${review.commit_id ? `commit ${review.commit_id.slice(0, 12)}` : 'another commit'}, not ${commit.slice(0, 12)}, the one under review`,
        );
        continue;
      }
      const env = /^[a-z-]+:([^/]+)\//.exec(allow)?.[1] ?? '*';
      const file = env === '*' ? `${configDir}/` : `${configDir}/${env}.yaml`;
      const owners = ownersOf(rules, file);
      const owns = owners.some(
        (o) =>
          o.toLowerCase() === `@${login.toLowerCase()}` ||
          (teams[o] ?? teams[o.toLowerCase()] ?? []).some((member) => member.toLowerCase() === login.toLowerCase()),
      );
      if (owns) acknowledgements.push({ allow, by: login });
      else
        ignored.push(
          `@${login}'s \`/allow ${allow}\` does not count: @${login} is not a code owner of ${file}${owners.length > 0 ? ` (owners: ${owners.join(', ')})` : ' (CODEOWNERS names nobody for it)'}`,
        );
    }
  }
  return { acknowledgements, ignored };
}
