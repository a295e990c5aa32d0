/**
 * Wording and ordering helpers shared by every message, report and rendered file, so that each
 * rule of English and of sorting has one home.
 */

/** "1 replica", "3 replicas"; `many` for irregular plurals ("1 copy", "2 copies"). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "a", "a and b", "a, b and c". */
export function listText(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** Code-unit order (as `Array.prototype.sort` without a comparator), stable across locales. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A comparator by a text key: `items.sort(byText((x) => x.name))`. */
export function byText<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compareText(key(a), key(b));
}
