/**
 * What a review finds: per environment, the objects that change, the pods that restart, and the
 * findings (blockers and warnings), each under a rule id from the domain's rule list.
 */
import type { RuleId } from '../domain/rules';

export type FindingSeverity = 'blocker' | 'warning';

export interface Finding {
  readonly env: string;
  readonly severity: FindingSeverity;
  readonly rule: RuleId;
  /** `statefulset/axonserver-1`, `app/order-service`, `group/orders`. */
  readonly object: string;
  /** One line: what happens. */
  readonly message: string;
  /** Why it matters and the safe procedure, as Markdown lines. */
  readonly details: readonly string[];
}

export interface ObjectChange {
  readonly kind: string;
  readonly name: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Changed fields, e.g. `spec.template.spec.containers[0].image`. */
  readonly fields: readonly string[];
  /**
   * What changed, in values: `path: before → after` for scalars, and for a configuration file
   * (a ConfigMap's data, a content-named revision) the lines added and removed (`+key=value`).
   */
  readonly values: readonly string[];
  /** A content-named revision replaced by another: the revision it replaces. */
  readonly replaces?: string;
}

export interface Restart {
  /**
   * Who restarts the pods: Argo CD, applying the object in its sync wave; or the rollout
   * controller (an Axon Server node: its StatefulSet is OnDelete), one node at a time after the
   * sync, in the NodeRollout's order.
   */
  readonly by: 'sync' | 'controller';
  /** The sync wave (by sync), or the place in the controller's order, from 1 (by controller). */
  readonly wave: number;
  /** The Argo CD Application that applies it (`axon-server` or `apps`): each syncs in its own order. */
  readonly part: string;
  readonly kind: string;
  readonly name: string;
  readonly why: string;
}

export interface EnvReview {
  readonly env: string;
  /** Phase changes of blue/green apps, e.g. `order-service-green: INITIALISING → SERVING (1.5.0)`. */
  readonly releases: readonly string[];
  readonly changes: readonly ObjectChange[];
  readonly restarts: readonly Restart[];
  readonly findings: readonly Finding[];
  /** The sections of TOPOLOGY.md that changed, as they are now. */
  readonly topology?: string;
  /** With `--diff`: a unified diff per changed object of dist/. */
  readonly diffs?: readonly string[];
}

/** Adds a finding of the environment under review. */
export type Add = (
  severity: FindingSeverity,
  rule: RuleId,
  object: string,
  message: string,
  details?: readonly string[],
) => void;
