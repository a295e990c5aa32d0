/**
 * The conditions the controller writes on its objects (Progressing, Degraded), as Kubernetes
 * conventions want them: a transition time that changes only when the status does.
 */
import type { RolloutCondition } from './api';

/** The conditions wanted now, each `[type, on, reason]`, keeping the transition time of an unchanged one. */
export function conditions(
  previous: readonly RolloutCondition[],
  wanted: readonly (readonly [RolloutCondition['type'], boolean, string])[],
  message: string,
  now: number,
): RolloutCondition[] {
  return wanted.map(([type, on, reason]) => {
    const before = previous.find((c) => c.type === type);
    const status = on ? 'True' : 'False';
    return {
      type,
      status,
      reason,
      message,
      lastTransitionTime: before?.status === status ? before.lastTransitionTime : new Date(now).toISOString(),
    };
  });
}
