/**
 * The life cycle of a blue/green colour, defined once: the phases, the moves between them, and
 * what each phase means for what runs. The schema, the model, the review and the topology all
 * read these.
 */

export const PHASES = ['SCHEDULED', 'INITIALISING', 'SERVING', 'STANDING_BY', 'CLEANING_UP', 'OBSOLETE'] as const;
export type Phase = (typeof PHASES)[number];

export const COLORS = ['blue', 'green'] as const;
export type Color = (typeof COLORS)[number];

/** Phases in which a colour's Deployment runs. */
export const RUNNING_PHASES: readonly Phase[] = ['INITIALISING', 'SERVING', 'STANDING_BY'];
export const isRunning = (phase: Phase): boolean => RUNNING_PHASES.includes(phase);

/**
 * Allowed moves: SCHEDULED → INITIALISING → SERVING ↔ STANDING_BY → CLEANING_UP → OBSOLETE;
 * INITIALISING → CLEANING_UP aborts a release (its database and tokens must go too: a colour
 * reused with them would resume the old replay instead of starting from zero); SCHEDULED and
 * OBSOLETE let a colour be reused.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<Phase, readonly Phase[]>> = {
  SCHEDULED: ['INITIALISING', 'OBSOLETE'],
  INITIALISING: ['SERVING', 'CLEANING_UP'],
  SERVING: ['STANDING_BY'],
  STANDING_BY: ['SERVING', 'CLEANING_UP'],
  CLEANING_UP: ['OBSOLETE'],
  OBSOLETE: ['SCHEDULED', 'INITIALISING'],
};

/** The life cycle in one line, for messages. */
export const PHASE_ORDER_TEXT =
  'SCHEDULED → INITIALISING → SERVING ↔ STANDING_BY → CLEANING_UP → OBSOLETE, with INITIALISING → CLEANING_UP to abort';

/** Whether a colour may move from one phase to another in one change. */
export const isAllowedTransition = (from: Phase, to: Phase): boolean =>
  from === to || ALLOWED_TRANSITIONS[from].includes(to);
