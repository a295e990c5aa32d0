/**
 * The release controller's decision for one blue/green app, a pure function of one observation:
 * what the release files should say (each colour's effective phase), which colour the live
 * Service and the disruption budget select, how many pods each colour runs, and the status.
 *
 * Git declares the phases; the controller makes them effective, one guarded step at a time:
 *  1. A colour other than the live one takes its declared phase at once (INITIALISING,
 *     STANDING_BY, CLEANING_UP, OBSOLETE: none of them serves).
 *  2. A colour declared SERVING while another is live is switched to, only when its streaming
 *     processors are caught up now (lag measured from the head of the event store, none replaying,
 *     every segment claimed, none in error) and it has at least as many ready pods as the live
 *     colour (it is scaled up first, its autoscaler's floor raised to the live colour's count).
 *  3. The hand-over has no gap: the new colour is told it serves (it subscribes its command and
 *     query handlers; the old one still holds its own); once Axon Server lists the new colour's
 *     subscriptions covering the old one's, the live Service and the disruption budget move and the
 *     old colour is told its new phase (it unsubscribes); the switch is done when Axon Server lists
 *     none for the old colour.
 *  4. A switch whose guards or hand-over do not complete within promotion.timeoutSeconds fails:
 *     the new colour is told its old phase again, the old one keeps serving, and the failure stays
 *     (Degraded) until the spec changes or a retry is requested — never completing later by itself.
 *  5. With autoPromote the targets come from the release instead of Git's phases: the colour
 *     declared INITIALISING is promoted as soon as it could serve, the one declared SERVING stands
 *     by for standBySeconds, then is scaled to zero, cleaned up by its Job, and OBSOLETE.
 * On any doubt (Axon Server does not answer) nothing switches; the colours keep what they do.
 */
import { RETRY_ANNOTATION } from '../api';
import { conditions } from '../conditions';
import type {
  AppReleaseStatus,
  ColorScale,
  ColorStatus,
  ProcessorStatus,
  ReleaseColor,
  ReleasePhase,
  RolloutCondition,
} from '../api';
import type { ComponentView, ReleaseObservation } from './observed';

export const RELEASE_COLORS: readonly ReleaseColor[] = ['blue', 'green'];
const PHASES: readonly ReleasePhase[] = [
  'SCHEDULED',
  'INITIALISING',
  'SERVING',
  'STANDING_BY',
  'CLEANING_UP',
  'OBSOLETE',
];
const RUNNING: readonly ReleasePhase[] = ['INITIALISING', 'SERVING', 'STANDING_BY'];
const other = (c: ReleaseColor): ReleaseColor => (c === 'blue' ? 'green' : 'blue');

export type ReleaseAction =
  /** Patch the release files (the effective phases and the live colour). */
  | { readonly kind: 'files'; readonly data: Readonly<Record<string, string>> }
  /** Point the live Service and the disruption budget at a colour. */
  | { readonly kind: 'route'; readonly color: ReleaseColor }
  /** Point the preview Service at a colour. */
  | { readonly kind: 'preview'; readonly color: ReleaseColor }
  /** Scale a colour: its Deployment's replicas, or its autoscaler's bounds. */
  | {
      readonly kind: 'scale';
      readonly color: ReleaseColor;
      readonly deployment: string;
      readonly autoscaler?: string;
      readonly replicas: number;
      readonly maxReplicas?: number;
    }
  /** Create a colour's cleanup Job (autoPromote). */
  | { readonly kind: 'cleanup'; readonly color: ReleaseColor };

export interface ReleaseDecision {
  readonly actions: readonly ReleaseAction[];
  readonly status: AppReleaseStatus;
  readonly event?: { readonly type: 'Normal' | 'Warning'; readonly reason: string; readonly message: string };
}

/** Where the release stands and why, before it becomes a status. */
interface Verdict {
  phase: AppReleaseStatus['phase'];
  message: string;
  key: string;
  warning?: boolean;
  event?: string;
}

export function decideRelease(obs: ReleaseObservation): ReleaseDecision {
  const { spec } = obs;
  const effective = effectivePhases(obs);
  const live = liveColor(obs, effective);
  const colorStatus = Object.fromEntries(RELEASE_COLORS.map((c) => [c, statusOf(obs, c, effective[c])])) as Record<
    ReleaseColor,
    ColorStatus
  >;
  const targets = targetPhases(obs, effective, live, colorStatus);
  const phases = { ...effective };
  let route: ReleaseColor = live;
  let switchState = obs.previous?.switch;
  let failed = activeFailure(obs);
  let verdict: Verdict = { phase: 'Idle', message: 'every colour is in its declared phase', key: 'idle' };
  const raised = new Map<ReleaseColor, number>();

  // Rule 1: the colours that do not serve take their target phase at once.
  const next = RELEASE_COLORS.find((c) => c !== live && targets.phases[c] === 'SERVING');
  for (const c of RELEASE_COLORS) {
    if (c === live || c === next) continue;
    if (targets.phases[c] !== 'SERVING') phases[c] = targets.phases[c];
  }

  if (next) {
    // Rules 2–4: the switch to `next`.
    const from = live;
    const guard = guardsFor(obs, next, from, colorStatus);
    raised.set(next, guard.need);
    const key = `switch:${next}:${obs.generation}`;
    const since = waitingSinceFor(obs, key);
    const timedOut = obs.now - since > spec.promotion.timeoutSeconds * 1000;
    const subscribing = effective[next] === 'SERVING';
    if (failed && failed.to === next) {
      if (subscribing) phases[next] = switchState?.revertTo ?? 'STANDING_BY';
      verdict = {
        phase: 'Failed',
        key: `failed:${next}:${obs.generation}`,
        warning: true,
        message: `the switch to ${next} failed: ${failed.reason}. ${from} keeps serving. Change the release, or annotate the AppRelease ${RETRY_ANNOTATION}=<any new value> to try again`,
      };
    } else if (!subscribing) {
      if (guard.problem) {
        const canFail = !targets.auto;
        if (canFail && timedOut) {
          failed = { generation: obs.generation, to: next, reason: guard.problem, retry: obs.retry };
          verdict = {
            phase: 'Failed',
            key: `failed:${next}:${obs.generation}`,
            warning: true,
            event: `the switch to ${next} failed after ${spec.promotion.timeoutSeconds} s: ${guard.problem}; ${from} keeps serving`,
            message: `the switch to ${next} failed: ${guard.problem}. ${from} keeps serving`,
          };
        } else {
          verdict = {
            phase: 'Waiting',
            key,
            message: `waiting to switch to ${next}: ${guard.problem}`,
          };
        }
      } else {
        phases[next] = 'SERVING';
        switchState = {
          from,
          to: next,
          startedAt: new Date(obs.now).toISOString(),
          step: 'subscribing',
          revertTo: effective[next],
        };
        verdict = {
          phase: 'Switching',
          key,
          event: `${next} is caught up with ${colorStatus[next].readyReplicas} ready pods: it is told it serves and subscribes its handlers alongside ${from}`,
          message: `${next} subscribes its command and query handlers; ${from} still serves`,
        };
      }
    } else {
      // The new colour has been told it serves: move traffic once its subscriptions cover the old one's.
      const handover = coverage(obs, next, from);
      if (handover.covered) {
        route = next;
        phases[from] = targets.phases[from] === 'SERVING' ? 'STANDING_BY' : targets.phases[from];
        switchState = {
          from,
          to: next,
          startedAt: switchState?.startedAt ?? new Date(obs.now).toISOString(),
          step: 'moved',
          revertTo: switchState?.revertTo,
        };
        verdict = {
          phase: 'Switching',
          key: `moved:${next}`,
          event: `${next} holds every subscription ${from} held: the live Service and the disruption budget select ${next}; ${from} is ${phases[from]}`,
          message: `traffic moved to ${next}; waiting for ${from} to unsubscribe`,
        };
      } else if (timedOut) {
        failed = { generation: obs.generation, to: next, reason: handover.problem, retry: obs.retry };
        phases[next] = switchState?.revertTo ?? 'STANDING_BY';
        verdict = {
          phase: 'Failed',
          key: `failed:${next}:${obs.generation}`,
          warning: true,
          event: `the switch to ${next} failed after ${spec.promotion.timeoutSeconds} s: ${handover.problem}; ${next} is told it no longer serves, ${from} keeps serving`,
          message: `the switch to ${next} failed: ${handover.problem}. ${from} keeps serving`,
        };
      } else {
        verdict = { phase: 'Switching', key, message: `waiting for ${next} to subscribe: ${handover.problem}` };
      }
    }
  } else {
    failed = undefined;
    if (targets.phases[live] !== 'SERVING' && !RELEASE_COLORS.some((c) => targets.phases[c] === 'SERVING')) {
      verdict = {
        phase: 'Waiting',
        key: 'no-serving',
        warning: true,
        message: `no colour is declared SERVING: ${live} keeps serving`,
      };
    }
    // After a move: the old colour must let go of its subscriptions.
    const old = other(live);
    const still = obs.axon.ok ? subscriptionsOf(obs.axon.value.components[old]) : 0;
    if (switchState && switchState.to === live && switchState.step === 'moved') {
      if (!obs.axon.ok) {
        verdict = {
          phase: 'Switching',
          key: `unsubscribe:${old}`,
          message: `${old}'s subscriptions cannot be checked: ${obs.axon.problem}`,
        };
      } else if (still > 0) {
        const late = obs.now - Date.parse(switchState.startedAt) > spec.promotion.timeoutSeconds * 1000;
        verdict = {
          phase: 'Switching',
          key: `unsubscribe:${old}`,
          warning: late,
          message: `${live} serves; ${old} still holds ${still} command and query subscriptions (both colours answer until it lets go)${late ? ': does the app unsubscribe when its phase file says it no longer serves?' : ''}`,
        };
      } else {
        switchState = { ...switchState, step: 'done', completedAt: new Date(obs.now).toISOString() };
        verdict = {
          phase: 'Idle',
          key: 'idle',
          event: `the switch to ${live} is complete: only ${live} holds command and query subscriptions`,
          message: `${live} serves`,
        };
      }
    }
  }

  // Cleanup after a walk (autoPromote): scaled to zero, then the cleanup Job, then OBSOLETE.
  const actions: ReleaseAction[] = [];
  for (const c of RELEASE_COLORS) {
    if (!targets.auto || phases[c] !== 'CLEANING_UP' || c === route) continue;
    const job = obs.cleanupJobs.get(c);
    const deployment = obs.deployments.get(c);
    if (job?.succeeded) {
      phases[c] = 'OBSOLETE';
      verdict = {
        phase: 'Idle',
        key: `obsolete:${c}`,
        event: `${c} is cleaned up: OBSOLETE`,
        message: `${route} serves; ${c} is OBSOLETE`,
      };
    } else if (job?.failed) {
      verdict = {
        phase: 'Failed',
        key: `cleanup-failed:${c}`,
        warning: true,
        message: `the cleanup Job ${spec.colors[c].cleanupJob?.name ?? ''} of ${c} failed: read its logs, fix the cause and delete the Job to run it again`,
      };
    } else if (deployment && deployment.readyReplicas > 0) {
      verdict = { phase: 'CleaningUp', key: `scale-down:${c}`, message: `${c} scales to zero before its cleanup` };
    } else {
      if (!job && spec.colors[c].cleanupJob) actions.push({ kind: 'cleanup', color: c });
      verdict = {
        phase: 'CleaningUp',
        key: `cleanup:${c}`,
        event: job
          ? undefined
          : `${c} stood by for ${spec.autoPromote?.standBySeconds ?? 0} s: its cleanup Job drops its read model and tokens`,
        message: `${c} is being cleaned up (Job ${spec.colors[c].cleanupJob?.name ?? ''})`,
      };
    }
  }
  if (verdict.phase === 'Idle' && targets.waiting) verdict = targets.waiting;

  // The objects: release files, live and preview Services, budget, scale.
  const data = filesFor(phases, route);
  if (!obs.files || Object.entries(data).some(([k, v]) => obs.files?.[k] !== v))
    actions.unshift({ kind: 'files', data });
  if (obs.liveSelector !== route || obs.budgetSelector !== route) {
    // Before the files: traffic moves first, then the old colour learns it no longer serves.
    actions.unshift({ kind: 'route', color: route });
  }
  const preview = RELEASE_COLORS.find((c) => c !== route && RUNNING.includes(phases[c]));
  if (preview && obs.previewSelector !== undefined && obs.previewSelector !== preview)
    actions.push({ kind: 'preview', color: preview });
  for (const c of RELEASE_COLORS) {
    const switching = c === next && !failed;
    const scaleAction = scaleFor(obs, c, switching ? 'SERVING' : phases[c], switching ? raised.get(c) : undefined);
    if (scaleAction) actions.push(scaleAction);
  }

  const status = finish(obs, verdict, {
    serving: route,
    colors: {
      blue: { ...colorStatus.blue, effectivePhase: phases.blue },
      green: { ...colorStatus.green, effectivePhase: phases.green },
    },
    switch: switchState,
    failed,
  });
  const changed = obs.previous?.waitingFor !== verdict.key || obs.previous.phase !== verdict.phase;
  const event =
    verdict.event !== undefined
      ? {
          type: verdict.warning ? ('Warning' as const) : ('Normal' as const),
          reason: verdict.phase,
          message: verdict.event,
        }
      : changed && verdict.phase !== 'Idle'
        ? {
            type: verdict.warning ? ('Warning' as const) : ('Normal' as const),
            reason: verdict.phase,
            message: verdict.message,
          }
        : undefined;
  return { actions, status, event };
}

// ---------------------------------------------------------------------------------------------
// Where things stand

/** What the release files say each colour is (the declared phase before the files exist). */
function effectivePhases(obs: ReleaseObservation): Record<ReleaseColor, ReleasePhase> {
  const read = (c: ReleaseColor): ReleasePhase => {
    const value = obs.files?.[`${c}.phase`] as ReleasePhase | undefined;
    return value && PHASES.includes(value) ? value : obs.spec.colors[c].phase;
  };
  return { blue: read('blue'), green: read('green') };
}

/** The colour the live Service selects; before it exists, the one the files or Git say serves. */
function liveColor(obs: ReleaseObservation, effective: Record<ReleaseColor, ReleasePhase>): ReleaseColor {
  if (obs.liveSelector) return obs.liveSelector;
  const fromFiles = obs.files?.live;
  if (fromFiles === 'blue' || fromFiles === 'green') return fromFiles;
  return (
    RELEASE_COLORS.find((c) => effective[c] === 'SERVING') ??
    RELEASE_COLORS.find((c) => obs.spec.colors[c].phase === 'SERVING') ??
    'blue'
  );
}

/** A failure that still holds: for this generation, and no new retry requested since. */
function activeFailure(obs: ReleaseObservation): AppReleaseStatus['failed'] {
  const f = obs.previous?.failed;
  if (!f || f.generation !== obs.generation || f.retry !== obs.retry) return undefined;
  return f;
}

function waitingSinceFor(obs: ReleaseObservation, key: string): number {
  const p = obs.previous;
  return p?.waitingFor === key && p.waitingSince ? Date.parse(p.waitingSince) : obs.now;
}

/**
 * The phases the colours should reach: Git's, or with autoPromote the release's own walk —
 * the declared INITIALISING colour serves once it could, the declared SERVING colour stands by
 * for standBySeconds after the switch completed, then is cleaned up.
 */
function targetPhases(
  obs: ReleaseObservation,
  effective: Record<ReleaseColor, ReleasePhase>,
  live: ReleaseColor,
  status: Record<ReleaseColor, ColorStatus>,
): { phases: Record<ReleaseColor, ReleasePhase>; auto: boolean; waiting?: Verdict } {
  const declared = { blue: obs.spec.colors.blue.phase, green: obs.spec.colors.green.phase };
  const auto = obs.spec.autoPromote;
  const incoming = RELEASE_COLORS.find((c) => declared[c] === 'INITIALISING');
  const outgoing = incoming && declared[other(incoming)] === 'SERVING' ? other(incoming) : undefined;
  if (!auto || !incoming || !outgoing) return { phases: declared, auto: false };
  if (live === incoming && effective[incoming] === 'SERVING') {
    // Promoted: the old colour stands by, then goes.
    const done = obs.previous?.switch?.to === incoming ? obs.previous.switch.completedAt : undefined;
    const standBy = auto.standBySeconds * 1000;
    const gone = effective[outgoing] === 'CLEANING_UP' || effective[outgoing] === 'OBSOLETE';
    const expired = done !== undefined && obs.now - Date.parse(done) >= standBy;
    const phase: ReleasePhase = gone ? effective[outgoing] : expired ? 'CLEANING_UP' : 'STANDING_BY';
    return {
      phases: { [incoming]: 'SERVING', [outgoing]: phase } as Record<ReleaseColor, ReleasePhase>,
      auto: true,
      waiting:
        phase === 'STANDING_BY' && done !== undefined
          ? {
              phase: 'Idle',
              key: `standby:${outgoing}`,
              message: `${incoming} serves; ${outgoing} stands by until ${new Date(Date.parse(done) + standBy).toISOString()}, then is cleaned up`,
            }
          : undefined,
    };
  }
  if (status[incoming].readyToServe || effective[incoming] === 'SERVING') {
    return {
      phases: { [incoming]: 'SERVING', [outgoing]: 'STANDING_BY' } as Record<ReleaseColor, ReleasePhase>,
      auto: true,
    };
  }
  const why = notReady(obs, incoming, status);
  return {
    phases: { [incoming]: 'INITIALISING', [outgoing]: 'SERVING' } as Record<ReleaseColor, ReleasePhase>,
    auto: true,
    waiting: {
      phase: 'Waiting',
      key: `catching-up:${incoming}`,
      message: `${incoming} ${obs.spec.colors[incoming].version} is not ready to serve yet (${why}); it is promoted when it is`,
    },
  };
}

function notReady(obs: ReleaseObservation, c: ReleaseColor, status: Record<ReleaseColor, ColorStatus>): string {
  if (!obs.axon.ok) return obs.axon.problem;
  const behind = (status[c].processors ?? []).filter((p) => p.behind).map((p) => `${p.name}: ${p.behind ?? ''}`);
  if (behind.length > 0) return behind.join('; ');
  return `${status[c].readyReplicas} ready pods`;
}

// ---------------------------------------------------------------------------------------------
// Guards

/** Why `to` may not serve yet, and how many ready pods it needs. */
function guardsFor(
  obs: ReleaseObservation,
  to: ReleaseColor,
  from: ReleaseColor,
  status: Record<ReleaseColor, ColorStatus>,
): { problem?: string; need: number } {
  const spec = obs.spec.colors[to];
  const scale = spec.scale.SERVING;
  const liveReady = obs.deployments.get(from)?.readyReplicas ?? 0;
  const need = Math.min(Math.max(scale.replicas, liveReady), scale.maxReplicas ?? Number.MAX_SAFE_INTEGER);
  if (!obs.axon.ok) return { problem: `Axon Server does not answer: ${obs.axon.problem}`, need };
  const behind = (status[to].processors ?? []).filter((p) => p.behind);
  if (behind.length > 0) return { problem: behind.map((p) => `${p.name} ${p.behind ?? ''}`).join('; '), need };
  if (obs.databaseJobs.get(to)?.failed)
    return {
      problem: `its database Job ${spec.databaseJob ?? ''} failed (does its database still hold an older release?): read the Job's log`,
      need,
    };
  const d = obs.deployments.get(to);
  if (!d) return { problem: `its Deployment ${spec.deployment} does not exist`, need };
  if (!d.rolledOut) return { problem: `${spec.deployment} is still rolling out its pods`, need };
  if (d.readyReplicas < need)
    return {
      problem: `${to} has ${d.readyReplicas} ready pods of the ${need} it needs (${from} runs ${liveReady})`,
      need,
    };
  return { need };
}

/** The processors of a colour, each with its lag or why it is not caught up. */
function processorsOf(obs: ReleaseObservation, c: ReleaseColor): ProcessorStatus[] | undefined {
  if (!obs.axon.ok) return undefined;
  const { head, components } = obs.axon.value;
  const ignored = new Set(obs.spec.promotion.ignoredProcessors);
  const streaming = components[c].processors.filter((p) => p.isStreaming !== false && !ignored.has(p.name));
  if (!obs.spec.promotion.processors) return streaming.map((p) => ({ name: p.name }));
  if (streaming.length === 0) {
    return [
      {
        name: obs.spec.colors[c].component,
        behind: 'reports no streaming processors (not running, or not connected to Axon Server)',
      },
    ];
  }
  const max = obs.spec.promotion.maxLagEvents;
  return streaming.map((p) => {
    const trackers = p.trackers ?? [];
    const claimed = trackers.reduce((sum, t) => sum + 1 / Math.max(1, t.onePartOf ?? 1), 0);
    const lowest = trackers.length > 0 ? Math.min(...trackers.map((t) => t.tokenPosition ?? 0)) : undefined;
    const lag = lowest === undefined ? undefined : Math.max(0, head - lowest);
    const error = trackers.find((t) => t.errorState);
    const behind =
      trackers.length === 0
        ? 'has no segment claimed'
        : error
          ? `is in error (${error.errorState ?? ''})`
          : trackers.some((t) => t.replaying)
            ? 'is replaying'
            : claimed < 1 - 1e-9
              ? `has ${Math.round(claimed * 100)} % of its segments claimed`
              : lag !== undefined && lag > max
                ? `is ${lag} events behind (at most ${max})`
                : undefined;
    return { name: p.name, lag, ...(behind ? { behind } : {}) };
  });
}

const subscriptionsOf = (c: ComponentView): number => c.commands.length + c.queries.length;

/** Whether `to` holds every command and query subscription `from` holds (minus the dropped ones). */
function coverage(
  obs: ReleaseObservation,
  to: ReleaseColor,
  from: ReleaseColor,
): { covered: boolean; problem: string } {
  if (!obs.axon.ok) return { covered: false, problem: `Axon Server does not answer: ${obs.axon.problem}` };
  const { components } = obs.axon.value;
  const dropped = new Set(obs.spec.promotion.droppedHandlers);
  const has = new Set([...components[to].commands, ...components[to].queries]);
  const missing = [...components[from].commands, ...components[from].queries].filter(
    (n) => !dropped.has(n) && !has.has(n),
  );
  if (missing.length > 0)
    return {
      covered: false,
      problem: `${to} does not handle ${missing.length} of ${from}'s commands and queries yet (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''})`,
    };
  return { covered: true, problem: '' };
}

// ---------------------------------------------------------------------------------------------
// Scale, files, status

/** The scale a colour should have in a phase (zero when it does not run), as an action when it differs. */
function scaleFor(
  obs: ReleaseObservation,
  c: ReleaseColor,
  phase: ReleasePhase,
  raisedTo?: number,
): ReleaseAction | undefined {
  const spec = obs.spec.colors[c];
  const d = obs.deployments.get(c);
  if (!d) return undefined;
  const base: ColorScale | undefined = RUNNING.includes(phase)
    ? spec.scale[phase as 'SERVING' | 'INITIALISING' | 'STANDING_BY']
    : undefined;
  const replicas = base ? Math.max(base.replicas, raisedTo ?? 0) : 0;
  const maxReplicas = base?.maxReplicas !== undefined ? Math.max(base.maxReplicas, replicas) : undefined;
  const action = {
    kind: 'scale' as const,
    color: c,
    deployment: spec.deployment,
    autoscaler: spec.autoscaler,
    replicas,
    maxReplicas,
  };
  const hpa = spec.autoscaler ? obs.autoscalers.get(c) : undefined;
  if (spec.autoscaler && replicas > 0) {
    // The autoscaler keeps the Deployment within its bounds; at zero replicas it stands still.
    const boundsDiffer = !hpa || hpa.minReplicas !== replicas || hpa.maxReplicas !== maxReplicas;
    return boundsDiffer || d.replicas === 0 ? action : undefined;
  }
  return d.replicas !== replicas ? action : undefined;
}

function filesFor(phases: Record<ReleaseColor, ReleasePhase>, live: ReleaseColor): Record<string, string> {
  return {
    'blue.live': String(live === 'blue'),
    'blue.phase': phases.blue,
    'green.live': String(live === 'green'),
    'green.phase': phases.green,
    live,
  };
}

/**
 * What a colour reports. Ready to serve: running, its processors caught up, a pod ready (a switch
 * scales it up to the live colour's count first, and waits for that too).
 */
function statusOf(obs: ReleaseObservation, c: ReleaseColor, effective: ReleasePhase): ColorStatus {
  const spec = obs.spec.colors[c];
  const d = obs.deployments.get(c);
  const processors = processorsOf(obs, c);
  const component = obs.axon.ok ? obs.axon.value.components[c] : undefined;
  const ready = d?.readyReplicas ?? 0;
  return {
    version: spec.version,
    declaredPhase: spec.phase,
    effectivePhase: effective,
    readyReplicas: ready,
    ...(processors ? { processors } : {}),
    ...(component ? { commands: component.commands.length, queries: component.queries.length } : {}),
    readyToServe:
      RUNNING.includes(effective) && processors !== undefined && processors.every((p) => !p.behind) && ready > 0,
  };
}

function finish(
  obs: ReleaseObservation,
  verdict: Verdict,
  parts: Pick<AppReleaseStatus, 'serving' | 'colors' | 'switch' | 'failed'>,
): AppReleaseStatus {
  const previous = obs.previous;
  const same = previous?.waitingFor === verdict.key && previous.waitingSince !== undefined;
  const conditions = releaseConditions(previous?.conditions ?? [], verdict, obs.now);
  return {
    observedGeneration: obs.generation,
    phase: verdict.phase,
    message: verdict.message,
    ...parts,
    waitingFor: verdict.key,
    waitingSince: same ? previous.waitingSince : new Date(obs.now).toISOString(),
    conditions,
  };
}

function releaseConditions(previous: readonly RolloutCondition[], verdict: Verdict, now: number): RolloutCondition[] {
  const wanted: [RolloutCondition['type'], boolean, string][] = [
    ['Progressing', verdict.phase !== 'Idle' && verdict.phase !== 'Failed', verdict.phase],
    ['Degraded', verdict.phase === 'Failed', verdict.phase === 'Failed' ? 'Failed' : 'AsExpected'],
  ];
  return conditions(previous, wanted, verdict.message, now);
}
