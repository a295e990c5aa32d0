/**
 * The Secrets an environment references. axon-deploy never renders a Secret; each one must exist
 * in the namespace before the first sync. Builders register what they read, so the synth and the
 * review can list exactly which Secrets (and keys) each environment needs.
 */
import type { SecretRef, SecretRequirement } from './types';

export class SecretRegistry {
  private readonly byName = new Map<string, { keys: Set<string>; usedBy: Set<string> }>();

  /** Records that `usedBy` reads `ref.key` of Secret `ref.name`. */
  add(ref: SecretRef, usedBy: string): void {
    const entry = this.byName.get(ref.name) ?? { keys: new Set<string>(), usedBy: new Set<string>() };
    entry.keys.add(ref.key);
    entry.usedBy.add(usedBy);
    this.byName.set(ref.name, entry);
  }

  /** Every Secret, sorted by name, with its keys and readers sorted. */
  list(): SecretRequirement[] {
    return [...this.byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, e]) => ({ name, keys: [...e.keys].sort(), usedBy: [...e.usedBy].sort() }));
  }
}
