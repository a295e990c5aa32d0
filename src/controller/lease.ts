/**
 * One controller acts at a time: a coordination.k8s.io/v1 Lease, held the way client-go's
 * leaderelection holds one (LeaseDuration 15 s, RenewDeadline 10 s, RetryPeriod 2 s by default).
 * A holder that stops renewing loses the Lease once `duration` has passed since another candidate
 * last saw it change, measured on that candidate's own clock (never comparing clocks); the update
 * is guarded by resourceVersion, so only one candidate wins. A controller that cannot renew within
 * the deadline stops acting before anyone else may start.
 */
import { KubeClient, KubeError, RESOURCES } from '../kube/client';
import type { Lease } from '../kube/objects';

export interface LeaseTimings {
  readonly durationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryMs: number;
}

export const DEFAULT_LEASE_TIMINGS: LeaseTimings = { durationMs: 15_000, renewDeadlineMs: 10_000, retryMs: 2_000 };

export class LeaderElection {
  private lastRenew = 0;
  private observed?: { record: string; at: number };

  constructor(
    private readonly kube: KubeClient,
    private readonly namespace: string,
    private readonly name: string,
    readonly identity: string,
    private readonly timings: LeaseTimings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether this instance may act now: it holds the Lease and renewed it within the deadline. */
  get leading(): boolean {
    return this.lastRenew > 0 && this.now() - this.lastRenew < this.timings.renewDeadlineMs;
  }

  /** Acquires or renews the Lease; returns whether this instance holds it. Never throws. */
  async tryAcquireOrRenew(): Promise<boolean> {
    try {
      const now = this.now();
      const lease = await this.kube.get<Lease>(RESOURCES.leases, this.namespace, this.name);
      const stamp = new Date(now).toISOString().replace('Z', '000Z'); // MicroTime: microseconds
      if (!lease) {
        await this.kube.create(RESOURCES.leases, this.namespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.name },
          spec: this.spec(stamp, stamp, 0),
        });
        this.lastRenew = now;
        return true;
      }
      const spec = lease.spec ?? {};
      const record = `${spec.holderIdentity ?? ''}/${spec.renewTime ?? ''}`;
      if (this.observed?.record !== record) this.observed = { record, at: now };
      const mine = spec.holderIdentity === this.identity;
      const free = !spec.holderIdentity;
      const expired = now - this.observed.at > (spec.leaseDurationSeconds ?? 15) * 1000;
      if (!mine && !free && !expired) return false;
      const transitions = (spec.leaseTransitions ?? 0) + (mine ? 0 : 1);
      await this.kube.replace(RESOURCES.leases, this.namespace, this.name, {
        ...lease,
        spec: this.spec(mine ? (spec.acquireTime ?? stamp) : stamp, stamp, transitions),
      });
      this.lastRenew = now;
      return true;
    } catch (err) {
      if (!(err instanceof KubeError)) throw err;
      return false; // a conflict (someone else wrote first) or an unreachable API: not leading
    }
  }

  /** Gives the Lease up (on a clean stop), so the next instance takes over at once. */
  async release(): Promise<void> {
    if (!this.leading) return;
    this.lastRenew = 0;
    try {
      const lease = await this.kube.get<Lease>(RESOURCES.leases, this.namespace, this.name);
      if (lease?.spec?.holderIdentity !== this.identity) return;
      await this.kube.replace(RESOURCES.leases, this.namespace, this.name, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 },
      });
    } catch {
      // the Lease expires on its own
    }
  }

  private spec(acquireTime: string, renewTime: string, leaseTransitions: number) {
    return {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.max(1, Math.round(this.timings.durationMs / 1000)),
      acquireTime,
      renewTime,
      leaseTransitions,
    };
  }
}
