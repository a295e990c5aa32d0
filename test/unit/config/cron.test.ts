/**
 * The CronJob schedule and time zone checks: what Kubernetes accepts (robfig/cron v3
 * ParseStandard, validateScheduleFormat, validateTimeZone) passes, and each refusal says which
 * part is wrong and what is allowed.
 */
import { cronScheduleProblem, timeZoneProblem } from '../../../src/config/cron';

const CRON = 'expected a cron schedule like "0 2 * * *" (minute hour day-of-month month day-of-week) or @daily';
const UNKNOWN_ZONE = 'unknown time zone: expected an IANA name such as Europe/Amsterdam or Etc/UTC';
const ZONE = 'expected an IANA time zone such as Europe/Amsterdam or Etc/UTC';

describe('cron schedules', () => {
  it.each([
    '0 2 * * *',
    '*/15 * * * *',
    '0-59/5 0-23 1-31 1-12 0-6',
    '5/15 * * * *',
    '*/60 * * * *',
    '0 0 ? * sun',
    '0 0 1 JAN,jul *',
    '30 4 * * MON-FRI',
    '0 0 * * mon,Wed,FRI',
    '0 9-17/2 * * 1-5',
    '05 +2 * * *',
    '  0   2 * *\t*  ',
    '@yearly',
    '@annually',
    '@monthly',
    '@weekly',
    '@daily',
    '@midnight',
    '@hourly',
    '@every 6h',
    '@every 1h30m',
    '@every 1.5h',
    '@every .5h',
    '@every 300ms',
    '@every 0',
  ])('accepts %j', (schedule) => {
    expect(cronScheduleProblem(schedule)).toBeUndefined();
  });

  it.each([
    ['a minute out of range', '61 * * * *', 'minute "61" is out of range 0-59'],
    ['an hour out of range', '0 24 * * *', 'hour "24" is out of range 0-23'],
    ['a day of the month of 0', '0 0 0 * *', 'day-of-month "0" is out of range 1-31'],
    ['a month out of range', '0 0 * 13 *', 'month "13" is out of range 1-12'],
    ['Sunday as 7', '0 0 * * 7', 'day-of-week "7" is out of range 0-6; Sunday is 0'],
    ['the end of a range out of range', '0-61 * * * *', 'minute "61" (in "0-61") is out of range 0-59'],
    ['a huge number', '99999999999999999999 * * * *', 'minute "99999999999999999999" is out of range 0-59'],
    ['a word for a number', 'x * * * *', 'minute "x" is not a number (0-59)'],
    ['a negative number', '0 0 -1 * *', 'day-of-month "-1" is missing a number'],
    ['a month name in full', '0 0 * JANUARY *', 'month "JANUARY" is neither a number (1-12) nor a name (JAN-DEC)'],
    ['a weekday name in the month field', '0 0 * MON *', 'month "MON" is neither a number (1-12) nor a name (JAN-DEC)'],
    ['a range that wraps around', '0 0 * * FRI-MON', 'day-of-week range "FRI-MON" ends before it starts (ranges do not wrap around)'],
    ['a range without an end', '1- * * * *', 'minute "1-" is missing a number'],
    ['two hyphens', '1-2-3 * * * *', 'minute "1-2-3" has more than one "-"'],
    ['two slashes', '*/2/3 * * * *', 'minute "*/2/3" has more than one "/"'],
    ['a step of 0', '*/0 * * * *', 'minute step in "*/0" must be at least 1'],
    ['a step without a number', '*/ * * * *', 'minute step "" in "*/" is not a whole number'],
    ['a step that is not a number', '0 */x * * *', 'hour step "x" in "*/x" is not a whole number'],
    ['a step beyond strconv.Atoi', '*/99999999999999999999 * * * *', 'minute step "99999999999999999999" in "*/99999999999999999999" is too large'],
    ['an empty list entry', '1,,2 * * * *', 'minute "1,,2" has an empty list entry'],
    ['a range from *', '*-5 * * * *', 'minute "*-5": "*" is the whole range already; write a range of values like 0-5'],
    ['four fields', '0 2 * *', 'expected 5 fields (minute hour day-of-month month day-of-week), found 4'],
    ['a seconds field', '0 0 2 * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), found 6; Kubernetes schedules have no seconds (or year) field'],
    ['only spaces', '   ', 'expected 5 fields (minute hour day-of-month month day-of-week), found 0'],
    ['an empty schedule', '', 'the schedule is empty'],
    ['TZ= in the schedule', 'TZ=Europe/Amsterdam 0 2 * * *', 'Kubernetes refuses TZ= and CRON_TZ= in a schedule: set timeZone: Europe/Amsterdam and leave it out of the schedule'],
    ['CRON_TZ= in the schedule', 'CRON_TZ=Etc/UTC @daily', 'Kubernetes refuses TZ= and CRON_TZ= in a schedule: set timeZone: Etc/UTC and leave it out of the schedule'],
    ['a descriptor in capitals', '@Daily', 'unknown descriptor "@Daily" (did you mean @daily?): use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>'],
    ['an unknown descriptor', '@fortnightly', 'unknown descriptor "@fortnightly": use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>'],
    ['a descriptor with a trailing space', '@daily ', '"@daily " has spaces after the descriptor'],
    ['@every without a duration', '@every', '@every takes a duration after a single space, like "@every 6h"'],
    ['@every in days', '@every 1d', '@every takes a Go duration like 90m or 1h30m: "1d" has the unknown unit "d" (Go knows ns, us, ms, s, m and h)'],
    ['@every without a unit', '@every 30', '@every takes a Go duration like 90m or 1h30m: "30" has a number without a unit (ns, us, ms, s, m, h)'],
    ['@every with a space in the duration', '@every 1 h', '@every takes a Go duration like 90m or 1h30m: "1 h" has the unknown unit " h" (Go knows ns, us, ms, s, m and h)'],
    ['@every beyond a time.Duration', '@every 9999999999h', '@every takes a Go duration like 90m or 1h30m: "9999999999h" is too long (at most about 2562047h)'],
  ])('fails for %s: %j', (_, schedule, hint) => {
    expect(cronScheduleProblem(schedule)).toEqual({ message: CRON, hint });
  });
});

describe('time zones', () => {
  it.each([
    'Etc/UTC',
    'UTC',
    'Europe/Amsterdam',
    'America/New_York',
    'America/Argentina/ComodRivadavia',
    'America/Port-au-Prince',
    'Etc/GMT+1',
    'Etc/GMT-14',
    'EST',
    'CET',
    'GMT0',
    'US/Eastern',
    'Asia/Kolkata',
    'Asia/Calcutta',
  ])('accepts %j', (zone) => {
    expect(timeZoneProblem(zone)).toBeUndefined();
  });

  it("accepts every canonical zone of Node's ICU", () => {
    const refused = Intl.supportedValuesOf('timeZone').filter((zone) => timeZoneProblem(zone) !== undefined);
    expect(refused).toEqual([]);
  });

  it.each([
    ['an unknown zone', 'Mars/Olympus', { message: UNKNOWN_ZONE }],
    ['a typo', 'Europe/Amsterdm', { message: UNKNOWN_ZONE, hint: 'did you mean Europe/Amsterdam?' }],
    ['an offset Go does not know', 'GMT+1', { message: UNKNOWN_ZONE }],
    ['an empty name', '', { message: ZONE, hint: 'leave timeZone out for Etc/UTC' }],
    ['Local', 'Local', { message: ZONE, hint: 'Kubernetes refuses Local, the zone of whichever host runs the kube-controller-manager: name the zone' }],
    ['local in lower case', 'local', { message: ZONE, hint: 'Kubernetes refuses Local, the zone of whichever host runs the kube-controller-manager: name the zone' }],
    ['a space in the name', 'America/New York', { message: UNKNOWN_ZONE, hint: 'a time zone name has no spaces; words are joined by "_", as in America/New_York' }],
    ['a trailing space', 'Europe/Amsterdam ', { message: UNKNOWN_ZONE, hint: 'a time zone name has no spaces; words are joined by "_", as in America/New_York' }],
    ['a leading /', '/Europe/Amsterdam', { message: UNKNOWN_ZONE, hint: 'a name has no empty parts: no leading, trailing or double "/"' }],
    ['a double /', 'Europe//Amsterdam', { message: UNKNOWN_ZONE, hint: 'a name has no empty parts: no leading, trailing or double "/"' }],
    ['..', '../etc/passwd', { message: UNKNOWN_ZONE, hint: '".." is not a part of a time zone name' }],
    ['a part starting with -', '-Europe', { message: UNKNOWN_ZONE, hint: 'part "-Europe" starts with "-"' }],
    ['a part of 15 characters', 'America/ComodRivadavia1', { message: UNKNOWN_ZONE, hint: 'part "ComodRivadavia1" is longer than 14 characters' }],
    ['a colon', 'Europe:Amsterdam', { message: UNKNOWN_ZONE, hint: 'part "Europe:Amsterdam" has characters other than letters, digits, ".", "-", "_" and "+"' }],
    ['a name in lower case', 'europe/amsterdam', { message: UNKNOWN_ZONE, hint: 'time zone names are case-sensitive: write Europe/Amsterdam' }],
    ['a name in capitals', 'EUROPE/AMSTERDAM', { message: UNKNOWN_ZONE, hint: 'time zone names are case-sensitive: write Europe/Amsterdam' }],
    ['utc in lower case', 'utc', { message: UNKNOWN_ZONE, hint: 'time zone names are case-sensitive: write UTC' }],
    ['a Java abbreviation', 'PST', { message: UNKNOWN_ZONE, hint: 'PST is known to ICU but not to the IANA database Kubernetes loads: write America/Los_Angeles' }],
    ['a link IANA removed', 'US/Pacific-New', { message: UNKNOWN_ZONE, hint: 'US/Pacific-New is known to ICU but not to the IANA database Kubernetes loads: write America/Los_Angeles' }],
    ['a SystemV zone', 'SystemV/AST4', { message: UNKNOWN_ZONE, hint: 'SystemV/AST4 is known to ICU but not to the IANA database Kubernetes loads: name a place, or Etc/GMT+N for a fixed offset' }],
  ])('fails for %s: %j', (_, zone, problem) => {
    expect(timeZoneProblem(zone)).toEqual(problem);
  });
});
