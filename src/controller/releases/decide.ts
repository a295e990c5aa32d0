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

/** The phases the colours should reach, and whether the release walks them itself (autoPromote). */
interface Targets {
  readonly phases: Phases;
  readonly auto: boolean;
  /** Why an otherwise idle release waits (a colour catching up, another standing by). */
  readonly waiting?: Verdict;
}

/** Where the release stands and why, before it becomes a status. */
interface Verdict {
  phase: AppReleaseStatus['phase'];
  message: string;
  key: string;
  warning?: boolean;
  event?: string;
}

type Phases = Record<ReleaseColor, ReleasePhase>;
type SwitchState = AppReleaseStatus['switch'];
type Failure = AppReleaseStatus['failed'];

/** What one observation says before anything is decided. */
interface Situation {
  readonly obs: ReleaseObservation;
  /** What the release files say each colour is. */
  readonly effective: Phases;
  /** The colour the live Service selects. */
  readonly live: ReleaseColor;
  readonly colorStatus: Record<ReleaseColor, ColorStatus>;
  readonly targets: Targets;
  /** The colour a switch goes to: declared (or walked to) SERVING while another is live. */
  readonly next?: ReleaseColor;
}

/** The decision as the steps draft it. */
interface Draft {
  phases: Phases;
  route: ReleaseColor;
  switchState: SwitchState;
  failed: Failure;
  verdict: Verdict;
  /** The ready pods the switching colour needs (its floor while it switches). */
  raised?: number;
}

export function decideRelease(obs: ReleaseObservation): ReleaseDecision {
  const s = situationOf(obs);
  const draft: Draft = {
    phases: { ...s.effective },
    route: s.live,
    switchState: obs.previous?.switch,
    failed: activeFailure(obs),
    verdict: { phase: 'Idle', message: 'every colour is in its declared phase', key: 'idle' },
  };
  // Rule 1: the colours that do not serve take their target phase at once.
  for (const c of RELEASE_COLORS) {
    if (c !== s.live && c !== s.next && s.targets.phases[c] !== 'SERVING') draft.phases[c] = s.targets.phases[c];
  }
  if (s.next) switchStep(s, draft, s.next);
  else settleStep(s, draft);
  const cleanups = cleanupStep(s, draft);
  if (draft.verdict.phase === 'Idle' && s.targets.waiting) draft.verdict = s.targets.waiting;

  const status = finish(obs, draft.verdict, {
    serving: draft.route,
    colors: {
      blue: { ...s.colorStatus.blue, effectivePhase: draft.phases.blue },
      green: { ...s.colorStatus.green, effectivePhase: draft.phases.green },
    },
    switch: draft.switchState,
    failed: draft.failed,
  });
  return { actions: objectActions(s, draft, cleanups), status, event: eventFor(obs, draft.verdict) };
}

function situationOf(obs: ReleaseObservation): Situation {
  const effective = effectivePhases(obs);
  const live = liveColor(obs, effective);
  const colorStatus = Object.fromEntries(RELEASE_COLORS.map((c) => [c, statusOf(obs, c, effective[c])])) as Record<
    ReleaseColor,
    ColorStatus
  >;
  const targets = targetPhases(obs, effective, live, colorStatus);
  const next = RELEASE_COLORS.find((c) => c !== live && targets.phases[c] === 'SERVING');
  return { obs, effective, live, colorStatus, targets, next };
}

// ---------------------------------------------------------------------------------------------
// The steps

/** Rules 2–4: the switch to `next` — guards, then the hand-over, or the failure that holds. */
function switchStep(s: Situation, draft: Draft, next: ReleaseColor): void {
  const { obs, live: from } = s;
  const guard = guardsFor(obs, next, from, s.colorStatus);
  draft.raised = guard.need;
  const key = `switch:${next}:${obs.generation}`;
  const timedOut = obs.now - waitingSinceFor(obs, key) > obs.spec.promotion.timeoutSeconds * 1000;
  const subscribing = s.effective[next] === 'SERVING';
  if (draft.failed && draft.failed.to === next) {
    if (subscribing) draft.phases[next] = draft.switchState?.revertTo ?? 'STANDING_BY';
    draft.verdict = {
      phase: 'Failed',
      key: `failed:${next}:${obs.generation}`,
      warning: true,
      message: `the switch to ${next} failed: ${draft.failed.reason}. ${from} keeps serving. Change the release, or annotate the AppRelease ${RETRY_ANNOTATION}=<any new value> to try again`,
    };
  } else if (!subscribing && guard.problem) {
    // With autoPromote a guard only delays the promotion; declared in Git, it fails in time.
    if (!s.targets.auto && timedOut) fail(s, draft, next, guard.problem, `${from} keeps serving`);
    else draft.verdict = { phase: 'Waiting', key, message: `waiting to switch to ${next}: ${guard.problem}` };
  } else if (!subscribing) {
    draft.phases[next] = 'SERVING';
    draft.switchState = {
      from,
      to: next,
      startedAt: new Date(obs.now).toISOString(),
      step: 'subscribing',
      revertTo: s.effective[next],
    };
    draft.verdict = {
      phase: 'Switching',
      key,
      event: `${next} is caught up with ${s.colorStatus[next].readyReplicas} ready pods: it is told it serves and subscribes its handlers alongside ${from}`,
      message: `${next} subscribes its command and query handlers; ${from} still serves`,
    };
  } else {
    handOverStep(s, draft, next, key, timedOut);
  }
}

/** The new colour has been told it serves: move traffic once its subscriptions cover the old one's. */
function handOverStep(s: Situation, draft: Draft, next: ReleaseColor, key: string, timedOut: boolean): void {
  const { obs, live: from } = s;
  const handover = coverage(obs, next, from);
  if (handover.covered) {
    draft.route = next;
    draft.phases[from] = s.targets.phases[from] === 'SERVING' ? 'STANDING_BY' : s.targets.phases[from];
    draft.switchState = {
      from,
      to: next,
      startedAt: draft.switchState?.startedAt ?? new Date(obs.now).toISOString(),
      step: 'moved',
      revertTo: draft.switchState?.revertTo,
    };
    draft.verdict = {
      phase: 'Switching',
      key: `moved:${next}`,
      event: `${next} holds every subscription ${from} held: the live Service and the disruption budget select ${next}; ${from} is ${draft.phases[from]}`,
      message: `traffic moved to ${next}; waiting for ${from} to unsubscribe`,
    };
  } else if (timedOut) {
    draft.phases[next] = draft.switchState?.revertTo ?? 'STANDING_BY';
    fail(s, draft, next, handover.problem, `${next} is told it no longer serves, ${from} keeps serving`);
  } else {
    draft.verdict = { phase: 'Switching', key, message: `waiting for ${next} to subscribe: ${handover.problem}` };
  }
}

/** A switch that timed out fails for this generation: it stays failed until the spec changes or a retry. */
function fail(s: Situation, draft: Draft, next: ReleaseColor, reason: string, outcome: string): void {
  const { obs } = s;
  draft.failed = { generation: obs.generation, to: next, reason, retry: obs.retry };
  draft.verdict = {
    phase: 'Failed',
    key: `failed:${next}:${obs.generation}`,
    warning: true,
    event: `the switch to ${next} failed after ${obs.spec.promotion.timeoutSeconds} s: ${reason}; ${outcome}`,
    message: `the switch to ${next} failed: ${reason}. ${s.live} keeps serving`,
  };
}

/** No switch is declared: after a move, the old colour must let go of its subscriptions. */
function settleStep(s: Situation, draft: Draft): void {
  const { obs, live } = s;
  draft.failed = undefined;
  if (s.targets.phases[live] !== 'SERVING' && !RELEASE_COLORS.some((c) => s.targets.phases[c] === 'SERVING')) {
    draft.verdict = {
      phase: 'Waiting',
      key: 'no-serving',
      warning: true,
      message: `no colour is declared SERVING: ${live} keeps serving`,
    };
  }
  const state = draft.switchState;
  if (!state || state.to !== live || state.step !== 'moved') return;
  const old = other(live);
  const key = `unsubscribe:${old}`;
  if (!obs.axon.ok) {
    draft.verdict = {
      phase: 'Switching',
      key,
      message: `${old}'s subscriptions cannot be checked: ${obs.axon.problem}`,
    };
    return;
  }
  const still = subscriptionsOf(obs.axon.value.components[old]);
  if (still > 0) {
    const late = obs.now - Date.parse(state.startedAt) > obs.spec.promotion.timeoutSeconds * 1000;
    draft.verdict = {
      phase: 'Switching',
      key,
      warning: late,
      message: `${live} serves; ${old} still holds ${still} command and query subscriptions (both colours answer until it lets go)${late ? ': does the app unsubscribe when its phase file says it no longer serves?' : ''}`,
    };
    return;
  }
  draft.switchState = { ...state, step: 'done', completedAt: new Date(obs.now).toISOString() };
  draft.verdict = {
    phase: 'Idle',
    key: 'idle',
    event: `the switch to ${live} is complete: only ${live} holds command and query subscriptions`,
    message: `${live} serves`,
  };
}

/** After a walk (autoPromote): scaled to zero, then the cleanup Job, then OBSOLETE. */
function cleanupStep(s: Situation, draft: Draft): ReleaseAction[] {
  const { obs } = s;
  const { spec } = obs;
  const actions: ReleaseAction[] = [];
  for (const c of RELEASE_COLORS) {
    if (!s.targets.auto || draft.phases[c] !== 'CLEANING_UP' || c === draft.route) continue;
    const job = obs.cleanupJobs.get(c);
    const deployment = obs.deployments.get(c);
    const jobName = spec.colors[c].cleanupJob?.name ?? '';
    if (job?.succeeded) {
      draft.phases[c] = 'OBSOLETE';
      draft.verdict = {
        phase: 'Idle',
        key: `obsolete:${c}`,
        event: `${c} is cleaned up: OBSOLETE`,
        message: `${draft.route} serves; ${c} is OBSOLETE`,
      };
    } else if (job?.failed) {
      draft.verdict = {
        phase: 'Failed',
        key: `cleanup-failed:${c}`,
        warning: true,
        message: `the cleanup Job ${jobName} of ${c} failed: read its logs, fix the cause and delete the Job to run it again`,
      };
    } else if (deployment && deployment.readyReplicas > 0) {
      draft.verdict = {
        phase: 'CleaningUp',
        key: `scale-down:${c}`,
        message: `${c} scales to zero before its cleanup`,
      };
    } else {
      if (!job && spec.colors[c].cleanupJob) actions.push({ kind: 'cleanup', color: c });
      draft.verdict = {
        phase: 'CleaningUp',
        key: `cleanup:${c}`,
        event: job
          ? undefined
          : `${c} stood by for ${spec.autoPromote?.standBySeconds ?? 0} s: its cleanup Job drops its read model and tokens`,
        message: `${c} is being cleaned up (Job ${jobName})`,
      };
    }
  }
  return actions;
}

/**
 * The objects that differ from the draft, in order: traffic moves first (live Service and budget),
 * then the release files (the old colour learns it no longer serves), cleanups, preview, scale.
 */
function objectActions(s: Situation, draft: Draft, cleanups: readonly ReleaseAction[]): ReleaseAction[] {
  const { obs } = s;
  const { phases, route } = draft;
  const actions: ReleaseAction[] = [];
  if (obs.liveSelector !== route || obs.budgetSelector !== route) actions.push({ kind: 'route', color: route });
  const data = filesFor(phases, route);
  if (!obs.files || Object.entries(data).some(([k, v]) => obs.files?.[k] !== v)) actions.push({ kind: 'files', data });
  actions.push(...cleanups);
  const preview = RELEASE_COLORS.find((c) => c !== route && RUNNING.includes(phases[c]));
  if (preview && obs.previewSelector !== undefined && obs.previewSelector !== preview)
    actions.push({ kind: 'preview', color: preview });
  for (const c of RELEASE_COLORS) {
    const switching = c === s.next && !draft.failed;
    const scaleAction = scaleFor(obs, c, switching ? 'SERVING' : phases[c], switching ? draft.raised : undefined);
    if (scaleAction) actions.push(scaleAction);
  }
  return actions;
}

/** An Event when the verdict names one, or when the release enters a new non-idle state. */
function eventFor(obs: ReleaseObservation, verdict: Verdict): ReleaseDecision['event'] {
  const changed = obs.previous?.waitingFor !== verdict.key || obs.previous.phase !== verdict.phase;
  const message = verdict.event ?? (changed && verdict.phase !== 'Idle' ? verdict.message : undefined);
  if (message === undefined) return undefined;
  return { type: verdict.warning ? 'Warning' : 'Normal', reason: verdict.phase, message };
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
  effective: Phases,
  live: ReleaseColor,
  status: Record<ReleaseColor, ColorStatus>,
): Targets {
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
