/** Kubernetes Events about the controller's objects: each decision, as `kubectl describe` shows it. */
import { createHash } from 'node:crypto';
import { RESOURCES } from '../kube/client';
import { API } from './api';
import type { ControllerContext } from './context';

export interface EventSubject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid?: string;
}

/** One of the controller's own objects (NodeRollout, AppRelease) as the subject of an Event. */
export function subjectOf(kind: string, metadata: { readonly name: string; readonly uid?: string }): EventSubject {
  return { apiVersion: API, kind, name: metadata.name, uid: metadata.uid };
}

export async function emitEvent(
  ctx: ControllerContext,
  subject: EventSubject,
  event: { readonly type: 'Normal' | 'Warning'; readonly reason: string; readonly message: string },
): Promise<void> {
  const at = new Date(ctx.now()).toISOString();
  const suffix = createHash('sha256').update(`${at}${event.reason}${event.message}`).digest('hex').slice(0, 12);
  try {
    await ctx.kube.create(RESOURCES.events, ctx.namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${subject.name}.${suffix}` },
      involvedObject: {
        apiVersion: subject.apiVersion,
        kind: subject.kind,
        name: subject.name,
        namespace: ctx.namespace,
        uid: subject.uid,
      },
      type: event.type,
      reason: event.reason,
      // The API server refuses messages over 1 KiB.
      message: event.message.length > 1000 ? `${event.message.slice(0, 997)}...` : event.message,
      source: { component: 'axon-deploy-controller' },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    });
  } catch (err) {
    ctx.log(`could not record the event "${event.message}": ${(err as Error).message}`);
  }
  ctx.log(`${event.type === 'Warning' ? 'WARNING ' : ''}${subject.kind}/${subject.name}: ${event.message}`);
}
