/**
 * Label keys and the label sets of each kind of object.
 *
 * Selectors use only labels that never change for an object (name, instance, colour): selectors
 * and volume claim templates are immutable in a live cluster. Version, phase and the user's own
 * labels go on objects and pod templates, never into selectors.
 */
import type { Labels } from './types';

export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_VERSION = 'app.kubernetes.io/version';

/** Our own keys. */
export const LABEL_COLOR = 'axon-deploy.io/color';
export const LABEL_PHASE = 'axon-deploy.io/phase';
export const LABEL_SERVES_CLIENTS = 'axon-deploy.io/serves-clients';
export const ANNOTATION_CONFIG_CHECKSUM = 'axon-deploy.io/config-checksum';

export const MANAGED_BY = 'axon-deploy';

/** Label prefixes the user's `labels` may not use: they are ours. */
export const RESERVED_LABEL_PREFIXES = ['app.kubernetes.io/', 'axon-deploy.io/'];

/** Builds the label sets of one environment. */
export class LabelScheme {
  constructor(
    private readonly partOf: string,
    /** The user's extra labels (already checked against the reserved prefixes). */
    private readonly extra: Labels,
  ) {}

  /** The labels that identify an object and never change while it exists. */
  stable(name: string, instance: string, component: string): Labels {
    return {
      [LABEL_NAME]: name,
      [LABEL_INSTANCE]: instance,
      [LABEL_COMPONENT]: component,
      [LABEL_PART_OF]: this.partOf,
      [LABEL_MANAGED_BY]: MANAGED_BY,
    };
  }

  /** Labels of an object or pod template: the user's labels, the stable ones, then `more`. */
  full(stable: Labels, more: Labels = {}): Labels {
    return { ...this.extra, ...stable, ...more };
  }
}
