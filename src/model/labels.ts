/**
 * The label sets of each kind of object. The keys live in the domain module (src/domain/keys.ts).
 *
 * Selectors use only labels that never change for an object (name, instance, colour): selectors
 * and volume claim templates are immutable in a live cluster. Version, phase and the user's own
 * labels go on objects and pod templates, never into selectors.
 */
import {
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_NAME,
  LABEL_PART_OF,
  MANAGED_BY,
} from '../domain/keys';
import type { Labels } from './types';

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
