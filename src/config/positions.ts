import type { ConfigPath, Diagnostic, Severity } from './diagnostics';
import { locate, SourceNode } from './yaml-source';

/** A problem found after validation (model checks): a field path without a position yet. */
export interface PathIssue {
  readonly severity: Severity;
  readonly path: ConfigPath;
  readonly message: string;
}

/** Points each issue at the field it names, or at the closest enclosing field that exists. */
export function positionIssues(source: SourceNode, issues: readonly PathIssue[]): Diagnostic[] {
  return issues.map((i) => ({ ...i, position: locate(source, i.path).node.position }));
}
