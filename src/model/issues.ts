import type { ConfigPath } from '../config/diagnostics';
import type { ModelIssue } from './types';

/** Collects the problems found while building a model, so all are reported at once. */
export class Issues {
  readonly list: ModelIssue[] = [];

  error(path: ConfigPath, message: string): void {
    this.list.push({ severity: 'error', path, message });
  }

  warn(path: ConfigPath, message: string): void {
    this.list.push({ severity: 'warning', path, message });
  }

  get hasErrors(): boolean {
    return this.list.some((i) => i.severity === 'error');
  }
}
