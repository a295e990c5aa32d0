/**
 * The pages of axon-deploy's documentation that messages, schema descriptions and generated files
 * point to: one home for each, so a moved heading fails the docs test instead of leaving a dead
 * reference. Paths are relative to the package root (the docs ship with the package, under
 * node_modules/axon-deploy/docs/ in a deployment repository).
 */
export const DOCS = {
  adopting: 'docs/runbooks/adopting.md',
  phases: 'docs/concepts/blue-green.md#phases',
  sideEffects: 'docs/concepts/blue-green.md#side-effects-one-processor-whichever-colour-runs-it',
  tlsSwitch: 'docs/runbooks/tls.md#turning-tls-on-or-off',
  backups: 'docs/runbooks/backups-and-restore.md',
  restore: 'docs/runbooks/backups-and-restore.md#restoring-a-whole-cluster-from-a-backup',
  recoverNode: 'docs/runbooks/backups-and-restore.md#recovering-one-node',
  configuration: 'docs/reference/configuration.md',
} as const;

export type DocPage = keyof typeof DOCS;

/** How a message cites a page: `axon-deploy's docs/….md#…`. */
export function docRef(page: DocPage): string {
  return `axon-deploy's ${DOCS[page]}`;
}
