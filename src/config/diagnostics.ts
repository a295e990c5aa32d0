/**
 * Diagnostics: every problem found in the configuration, reported together.
 *
 * A diagnostic names where it comes from (file, line, column), the field (a path into the
 * merged configuration), and what is wrong. Errors stop the synth; warnings are printed.
 */

/** A position in a configuration file; line and column are 1-based. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** One step into the configuration: a map key or a list index. */
export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly severity: Severity;
  /** Where the problem is; absent only when no file can be named (e.g. an empty config directory). */
  readonly position?: SourcePosition;
  /** The field the problem is about; empty for a whole-file problem. */
  readonly path: ConfigPath;
  readonly message: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Renders a path the way a user would write it: `axonServer.nodes[2].volumes.events.size`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * `config/prod.yaml:14:7 axonServer.nodes[2].volumes.events.size: expected …`, or for a problem
 * with the whole file `config/prod.yaml:3:1: …`. Warnings say so after the location.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.position ? `${d.position.file}:${d.position.line}:${d.position.col}` : '';
  const head = [where, formatPath(d.path)].filter((s) => s !== '').join(' ');
  const text = d.severity === 'warning' ? `warning: ${d.message}` : d.message;
  return head === '' ? text : `${head}: ${text}`;
}

/** Sorts diagnostics by file, line and column so output reads top to bottom. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => {
    const fa = a.position?.file ?? '';
    const fb = b.position?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.position?.line ?? 0;
    const lb = b.position?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.position?.col ?? 0;
    const cb = b.position?.col ?? 0;
    if (ca !== cb) return ca - cb;
    return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
  });
}

export const hasErrors = (list: readonly Diagnostic[]): boolean => list.some((d) => d.severity === 'error');

