import type { ConfigPath } from '../config/diagnostics';
import { formatPath } from '../config/diagnostics';
import type { Issues } from './issues';

/**
 * Object names must be unique per kind within an environment (a node named like an app's
 * Service would silently replace it). Each builder claims the names it creates, with the field
 * that gave the name, so a clash names both fields.
 */
export class NameRegistry {
  private readonly owners = new Map<string, string>();
  /** One message per field, even when it names several objects (a node's StatefulSet and Service). */
  private readonly reported = new Set<string>();

  constructor(private readonly issues: Issues) {}

  /** `owner` describes the object when no single field names it (e.g. "the Axon Server UI Service"). */
  claim(kind: string, name: string, path: ConfigPath, owner?: string): void {
    const key = `${kind}/${name}`;
    const existing = this.owners.get(key);
    if (existing) {
      if (!this.reported.has(formatPath(path))) {
        this.reported.add(formatPath(path));
        this.issues.error(path, `${kind} "${name}" already exists: it is ${existing}; choose another name`);
      }
      return;
    }
    this.owners.set(key, owner ?? `named by ${formatPath(path)}`);
  }

  /** Whether an object of this kind and name is rendered. */
  has(kind: string, name: string): boolean {
    return this.owners.has(`${kind}/${name}`);
  }

  /** The names claimed for a kind, sorted. */
  namesOf(kind: string): string[] {
    return [...this.owners.keys()]
      .filter((k) => k.startsWith(`${kind}/`))
      .map((k) => k.slice(kind.length + 1))
      .sort();
  }
}
