/**
 * The two CronJob fields the API server checks by parsing, checked here the same way so that a
 * bad value fails `synth` with file:line instead of the sync:
 *
 * - `spec.schedule`: Kubernetes (pkg/apis/batch/validation `validateScheduleFormat`) parses it
 *   with robfig/cron v3 `cron.ParseStandard` (the parser the CronJob controller runs on), and
 *   refuses any schedule containing `TZ` (`TZ=` and `CRON_TZ=` belong in `spec.timeZone`).
 * - `spec.timeZone`: `validateTimeZone` refuses "", `Local`, names whose `/`-separated parts are
 *   not 1-14 of `[A-Za-z0-9.+_-]` (or are `.`, `..`, or start with `-`), and names Go's
 *   `time.LoadLocation` cannot load.
 *
 * Each check returns `undefined` when Kubernetes accepts the value, or what is expected and, as
 * the hint, precisely what is wrong.
 */
import { closest, Problem } from './formats';

// ---------------------------------------------------------------------------------------------
// Schedules: robfig/cron v3 ParseStandard

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names accepted for numbers (case-insensitive), for `min`, `min + 1`, …, and how to show them. */
  readonly names?: { readonly list: readonly string[]; readonly text: string };
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: {
      list: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
      text: 'JAN-DEC',
    },
  },
  {
    name: 'day-of-week',
    min: 0,
    max: 6,
    names: { list: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], text: 'SUN-SAT' },
  },
];

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'] as const;

const EVERY = '@every ';

/** strconv.Atoi's largest value on the 64-bit platforms Kubernetes runs on. */
const MAX_INT64 = 2n ** 63n - 1n;

const CRON_EXPECTED = 'expected a cron schedule like "0 2 * * *" (minute hour day-of-month month day-of-week) or @daily';

const q = (s: string) => JSON.stringify(s);

/**
 * What Kubernetes would refuse in a CronJob schedule, or `undefined`. Accepts exactly what
 * `cron.ParseStandard` accepts (five fields, `*`, `?`, numbers, month and weekday names, ranges,
 * steps, lists, the descriptors and `@every <Go duration>`) and nothing with `TZ` in it, with two
 * deliberate refusals of values robfig/cron reads oddly: an empty list entry (`1,,2`, `,`, which it
 * skips) and a range starting at `*` or `?` (`*-5`, which it reads as `*`).
 */
export function cronScheduleProblem(schedule: string): Problem | undefined {
  const hint = cronScheduleHint(schedule);
  return hint === undefined ? undefined : { message: CRON_EXPECTED, hint };
}

function cronScheduleHint(schedule: string): string | undefined {
  if (schedule.length === 0) return 'the schedule is empty';
  const tz = /^(?:CRON_)?TZ=(\S*)/.exec(schedule);
  if (tz) {
    const zone = tz[1] ? `timeZone: ${tz[1]}` : 'timeZone';
    return `Kubernetes refuses TZ= and CRON_TZ= in a schedule: set ${zone} and leave it out of the schedule`;
  }
  const problem = schedule.startsWith('@') ? descriptorProblem(schedule) : fieldsProblem(schedule);
  if (problem) return problem;
  if (schedule.includes('TZ')) return 'Kubernetes refuses a schedule containing "TZ": set the time zone with timeZone';
  return undefined;
}

function descriptorProblem(spec: string): string | undefined {
  if ((DESCRIPTORS as readonly string[]).includes(spec)) return undefined;
  if (spec.startsWith(EVERY)) {
    const problem = goDurationProblem(spec.slice(EVERY.length));
    return problem && `@every takes a Go duration like 90m or 1h30m: ${problem}`;
  }
  const allowed = `${DESCRIPTORS.join(', ')} or @every <duration>`;
  if ((DESCRIPTORS as readonly string[]).includes(spec.trim())) return `${q(spec)} has spaces after the descriptor`;
  if (/^@every\s/.test(spec) || spec === '@every') {
    return `@every takes a duration after a single space, like "@every 6h"`;
  }
  const guess = closest(spec.trim(), DESCRIPTORS);
  return `unknown descriptor ${q(spec)}${guess ? ` (did you mean ${guess}?)` : ''}: use ${allowed}`;
}

function fieldsProblem(spec: string): string | undefined {
  const fields = spec.trim() === '' ? [] : spec.trim().split(/\s+/);
  if (fields.length !== FIELDS.length) {
    const extra = fields.length === 6 ? '; Kubernetes schedules have no seconds (or year) field' : '';
    return `expected 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}${extra}`;
  }
  for (let i = 0; i < FIELDS.length; i++) {
    const problem = fieldProblem(fields[i], FIELDS[i]);
    if (problem) return problem;
  }
  return undefined;
}

/** A field: a comma-separated list of `*`, `?`, values, ranges `a-b`, each with an optional `/step`. */
function fieldProblem(text: string, field: CronField): string | undefined {
  const entries = text.split(',');
  if (entries.some((e) => e === '')) return `${field.name} ${q(text)} has an empty list entry`;
  for (const entry of entries) {
    const problem = entryProblem(entry, field);
    if (problem) return problem;
  }
  return undefined;
}

function entryProblem(entry: string, field: CronField): string | undefined {
  const rangeAndStep = entry.split('/');
  if (rangeAndStep.length > 2) return `${field.name} ${q(entry)} has more than one "/"`;
  const [range, step] = rangeAndStep;
  if (step !== undefined) {
    const n = wholeNumber(step);
    if (n === undefined) return `${field.name} step ${q(step)} in ${q(entry)} is not a whole number`;
    if (n > MAX_INT64) return `${field.name} step ${q(step)} in ${q(entry)} is too large`;
    if (n === 0n) return `${field.name} step in ${q(entry)} must be at least 1`;
  }
  if (range === '*' || range === '?') return undefined;
  if (/^[*?]-/.test(range)) {
    return `${field.name} ${q(entry)}: "${range[0]}" is the whole range already; write a range of values like ${field.min}-${field.min + 5}`;
  }
  const lowAndHigh = range.split('-');
  if (lowAndHigh.length > 2) return `${field.name} ${q(entry)} has more than one "-"`;
  const values: number[] = [];
  for (const token of lowAndHigh) {
    if (token === '') return `${field.name} ${q(entry)} is missing a number`;
    const value = valueOf(token, field);
    if (value === undefined) {
      const numbers = `${field.min}-${field.max}`;
      return field.names
        ? `${field.name} ${q(token)} is neither a number (${numbers}) nor a name (${field.names.text})`
        : `${field.name} ${q(token)} is not a number (${numbers})`;
    }
    if (value < field.min || value > field.max) {
      const within = token === entry ? '' : ` (in ${q(entry)})`;
      const sunday = field.name === 'day-of-week' && value === 7 ? '; Sunday is 0' : '';
      return `${field.name} ${q(token)}${within} is out of range ${field.min}-${field.max}${sunday}`;
    }
    values.push(value);
  }
  if (values.length === 2 && values[0] > values[1]) {
    return `${field.name} range ${q(entry)} ends before it starts (ranges do not wrap around)`;
  }
  return undefined;
}

/** strconv.Atoi's digits (an optional `+`), as a number; `undefined` if not one. */
function wholeNumber(token: string): bigint | undefined {
  return /^\+?\d+$/.test(token) ? BigInt(token.replace('+', '')) : undefined;
}

function valueOf(token: string, field: CronField): number | undefined {
  const named = field.names?.list.indexOf(token.toLowerCase()) ?? -1;
  if (named >= 0) return field.min + named;
  const n = wholeNumber(token);
  if (n === undefined) return undefined;
  // Anything beyond the field's range is out of range, however large.
  return n > 1000n ? Number.MAX_SAFE_INTEGER : Number(n);
}

const DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** What Go's `time.ParseDuration` refuses, or `undefined`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` or `0`. */
function goDurationProblem(text: string): string | undefined {
  const invalid = `${q(text)} is not a duration`;
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return undefined;
  if (rest === '') return invalid;
  let total = 0n;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    const [whole, int, frac] = number;
    if (int === '' && !frac) return invalid;
    rest = rest.slice(whole.length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (unit === '') return `${q(text)} has a number without a unit (ns, us, ms, s, m, h)`;
    const ns = DURATION_UNITS[unit];
    if (ns === undefined) return `${q(text)} has the unknown unit ${q(unit)} (Go knows ns, us, ms, s, m and h)`;
    rest = rest.slice(unit.length);
    total += BigInt(int || '0') * ns + (frac ? (BigInt(frac) * ns) / 10n ** BigInt(frac.length) : 0n);
    if (total > MAX_INT64 + (negative ? 1n : 0n)) return `${q(text)} is too long (at most about 2562047h)`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Time zones: validateTimeZone and Go's time.LoadLocation

const ZONE_EXPECTED = 'expected an IANA time zone such as Europe/Amsterdam or Etc/UTC';
const UNKNOWN_ZONE = 'unknown time zone: expected an IANA name such as Europe/Amsterdam or Etc/UTC';

/** Kubernetes' `validTimeZoneCharacters`, applied to each `/`-separated part of the name. */
const ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/**
 * Names Node's ICU resolves but the IANA database (hence Go) does not have: the Java-era
 * three-letter IDs, the SystemV zones and links IANA has removed. The ICU zone each resolves to
 * is suggested instead.
 */
const ICU_ONLY = new Set(
  [
    ...['ACT', 'AET', 'AGT', 'ART', 'AST', 'BET', 'BST', 'CAT', 'CNT', 'CST', 'CTT', 'EAT', 'ECT', 'IET', 'IST'],
    ...['JST', 'MIT', 'NET', 'NST', 'PLT', 'PNT', 'PRT', 'PST', 'SST', 'VST'],
    ...['US/Pacific-New', 'Canada/East-Saskatchewan'],
  ].map((z) => z.toLowerCase()),
);

/**
 * What Kubernetes would refuse as a CronJob `timeZone`, or `undefined`.
 *
 * Kubernetes loads the name with Go's `time.LoadLocation` (its own tzdata, or the host's); this
 * runs on Node, so the name is looked up in Node's ICU instead, and the two can differ:
 * - ICU reads names case-insensitively (`europe/amsterdam`), Go does not: a name that ICU only
 *   knows in another case (or whose parts start in lower case) is refused here;
 * - ICU knows IDs the IANA database does not (`PST`, `IST`, `SystemV/…`, removed links): those
 *   are refused by name (ICU_ONLY);
 * - the two tzdata versions differ: a zone added after Node's ICU data (`process.versions.tz`)
 *   is refused here though the API server may know it (update Node), and one added after the
 *   API server's Go release passes here but fails there. An alias that ICU resolves to a zone of
 *   another spelling (`Us/Eastern` for America/New_York) is not case-checked.
 */
export function timeZoneProblem(zone: string): Problem | undefined {
  if (zone === '') return { message: ZONE_EXPECTED, hint: 'leave timeZone out for Etc/UTC' };
  if (/\s/.test(zone)) {
    return { message: UNKNOWN_ZONE, hint: 'a time zone name has no spaces; words are joined by "_", as in America/New_York' };
  }
  if (zone.toLowerCase() === 'local') {
    return {
      message: ZONE_EXPECTED,
      hint: 'Kubernetes refuses Local, the zone of whichever host runs the kube-controller-manager: name the zone',
    };
  }
  for (const part of zone.split('/')) {
    const hint = zonePartProblem(part);
    if (hint) return { message: UNKNOWN_ZONE, hint };
  }
  const resolved = icuZone(zone);
  if (resolved === undefined) {
    const guess = closest(zone, Intl.supportedValuesOf('timeZone'), 2);
    return guess ? { message: UNKNOWN_ZONE, hint: `did you mean ${guess}?` } : { message: UNKNOWN_ZONE };
  }
  if (ICU_ONLY.has(zone.toLowerCase()) || zone.startsWith('SystemV/')) {
    const instead = resolved === zone ? 'name a place, or Etc/GMT+N for a fixed offset' : `write ${resolved}`;
    return { message: UNKNOWN_ZONE, hint: `${zone} is known to ICU but not to the IANA database Kubernetes loads: ${instead}` };
  }
  const lowerStart = zone.split('/').some((part) => /^[a-z]/.test(part));
  if (lowerStart || (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase())) {
    return { message: UNKNOWN_ZONE, hint: `time zone names are case-sensitive: write ${resolved}` };
  }
  return undefined;
}

function zonePartProblem(part: string): string | undefined {
  if (part === '') return 'a name has no empty parts: no leading, trailing or double "/"';
  if (part === '.' || part === '..') return `${q(part)} is not a part of a time zone name`;
  if (part.startsWith('-')) return `part ${q(part)} starts with "-"`;
  if (!/^[A-Za-z.\-_0-9+]*$/.test(part)) {
    return `part ${q(part)} has characters other than letters, digits, ".", "-", "_" and "+"`;
  }
  if (!ZONE_PART.test(part)) return `part ${q(part)} is longer than 14 characters`;
  return undefined;
}

/** The zone ICU resolves the name to, or `undefined` if it knows none. */
function icuZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}
