/**
 * A fake Axon Server *cluster* for rehearsals: one HTTP server per node on loopback, answering the
 * REST API with the JSON shapes of Axon Server's sources (see src/axon/rest.ts), over a simulated
 * Raft state that moves with time: a clean cluster forms from the bootstrap node, nodes join their
 * groups, leaders append entries, followers catch up at a bounded rate, a node is down while its
 * pod is gone (and behind when it comes back), a group without a majority of its PRIMARY nodes
 * has no leader. Faults can be injected per node. Everything that happens is logged, and the
 * fewest voters a group ever had up is recorded for the assertions.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AxonPort } from '../../src/axon/client';
import type { NodeRolloutSpec } from '../../src/controller/api';
import { quorumOf } from '../../src/domain/roles';

export type Fault =
  | { readonly kind: 'status'; readonly code: number; readonly paths?: RegExp }
  | { readonly kind: 'hang' }
  /** Left out of the groups' member lists (as if Axon Server had lost track of it). */
  | { readonly kind: 'missing' }
  /**
   * Once it restarts, it stops replicating: at least STALLED_BEHIND entries behind its leaders at
   * once (whatever the machine's speed, which sets how many entries a leader writes meanwhile).
   * Until then it replicates as before, so that it can be restarted.
   */
  | { readonly kind: 'stalled' };

/** How far behind its leaders a stalled node is, at the least (the controller allows 100 by default). */
const STALLED_BEHIND = 1_000;

export interface ClusterEvent {
  readonly at: number;
  readonly what: string;
}

interface NodeState {
  readonly name: string;
  readonly admin: boolean;
  readonly groups: readonly { name: string; role: string }[];
  /** The pod runs (the process started), since when. */
  running?: number;
  /** Answers requests (started up). */
  up: boolean;
  /** Groups it has joined (persisted on its volume: a restart keeps it). */
  readonly member: Set<string>;
  /** Its last log index, per group (persisted). */
  readonly log: Map<string, number>;
  server?: http.Server;
  port?: number;
}

/** A connected app pod: its component, context, processors and handlers. */
export interface AppInstance {
  readonly pod: string;
  readonly component: string;
  readonly context: string;
  readonly processors: readonly string[];
  readonly commands: readonly string[];
  readonly queries: readonly string[];
  serving: boolean;
}

export interface FakeAxonClusterOptions {
  readonly startDelayMs?: number;
  readonly tickMs?: number;
  /** Entries a leader appends per tick. */
  readonly writeRate?: number;
  /** Entries a follower replicates per tick. */
  readonly catchUpRate?: number;
  /**
   * With access control: the system token every request must carry in `AxonIQ-Access-Token`
   * (else 401, as Axon Server answers); undefined: access control off.
   */
  readonly systemToken?: string;
}

export class FakeAxonCluster {
  readonly events: ClusterEvent[] = [];
  /**
   * Per group, the smallest margin it ever had: PRIMARY members up minus the majority of its
   * PRIMARY members (Raft counts the current configuration). Below 0, the group lost its majority.
   */
  readonly worstMargin = new Map<string, number>();
  readonly faults = new Map<string, Fault>();
  readonly registered: { path: string; body: unknown }[] = [];
  /** Requests refused for a missing or wrong token. */
  readonly unauthorised: string[] = [];
  /** Per app component: its processors stop (stalled) or replay from the start (replaying). */
  readonly processorFaults = new Map<string, 'stalled' | 'replaying'>();
  private readonly instances = new Map<string, AppInstance>();
  /** The head of each context's event store (its last token). */
  private readonly heads = new Map<string, number>();
  /** Each component's processors' positions (its token store: they outlive its pods). */
  private readonly positions = new Map<string, number>();
  private readonly subscribed = new Set<string>();
  private readonly nodes = new Map<string, NodeState>();
  private readonly crashed = new Set<string>();
  private readonly leaders = new Map<string, string | undefined>();
  private formed = false;
  private timer?: NodeJS.Timeout;
  private readonly start = Date.now();

  constructor(
    private readonly spec: NodeRolloutSpec,
    private readonly options: FakeAxonClusterOptions = {},
  ) {
    for (const n of spec.nodes) {
      this.nodes.set(n.name, {
        name: n.name,
        admin: n.admin,
        groups: n.groups,
        up: false,
        member: new Set(),
        log: new Map(),
      });
    }
  }

  async listen(): Promise<void> {
    for (const node of this.nodes.values()) {
      node.server = http.createServer((req, res) => this.answer(node, req, res));
      await new Promise<void>((resolve) => node.server!.listen(0, '127.0.0.1', resolve));
      node.port = (node.server.address() as AddressInfo).port;
    }
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 50);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const n of this.nodes.values()) {
      n.server?.closeAllConnections();
      n.server?.close();
    }
  }

  /** Where the controller reaches a node (both ports on one server). */
  endpoint = (node: string, _port: AxonPort): string => `http://127.0.0.1:${this.nodes.get(node)?.port ?? 9}`;

  podStarted(node: string): void {
    const n = this.nodes.get(node);
    if (!n || n.running !== undefined) return;
    n.running = Date.now();
    this.record(`${node} starts`);
  }

  podStopped(node: string): void {
    const n = this.nodes.get(node);
    if (!n || n.running === undefined) return;
    n.running = undefined;
    n.up = false;
    this.record(`${node} stops`);
    for (const [group, leader] of this.leaders) if (leader === node) this.setLeader(group, undefined);
  }

  /** The node's process dies and does not come back (until `recover`), while its pod stays. */
  crash(node: string): void {
    this.crashed.add(node);
    const n = this.nodes.get(node);
    if (n) n.up = false;
    this.record(`${node} crashes`);
    for (const [group, leader] of this.leaders) if (leader === node) this.setLeader(group, undefined);
  }

  recover(node: string): void {
    this.crashed.delete(node);
    this.record(`${node} can start again`);
  }

  /** An app pod connects: its component's processors stream (from where its token store is), handlers not subscribed. */
  appStarted(pod: string, app: Omit<AppInstance, 'serving'>): void {
    if (this.instances.has(pod)) return;
    this.instances.set(pod, { ...app, serving: false });
    this.record(`${app.component} pod ${pod} connects`);
  }

  appStopped(pod: string): void {
    const instance = this.instances.get(pod);
    if (!instance) return;
    this.instances.delete(pod);
    this.record(`${instance.component} pod ${pod} disconnects`);
    this.updateSubscriptions(instance.component);
  }

  /** An app pod subscribes or cancels its command and query handlers (as its phase file says). */
  setServing(pod: string, serving: boolean): void {
    const instance = this.instances.get(pod);
    if (!instance || instance.serving === serving) return;
    instance.serving = serving;
    this.updateSubscriptions(instance.component);
  }

  /** Whether a component holds command and query subscriptions now. */
  holdsSubscriptions(component: string): boolean {
    return this.subscribed.has(component);
  }

  /** Events a component's processors are behind the head. */
  processorLag(component: string, context: string): number {
    return (this.heads.get(context) ?? 0) - (this.positions.get(component) ?? 0);
  }

  private updateSubscriptions(component: string): void {
    const now = [...this.instances.values()].some((i) => i.component === component && i.serving);
    if (now === this.subscribed.has(component)) return;
    if (now) this.subscribed.add(component);
    else this.subscribed.delete(component);
    this.record(`${component} ${now ? 'subscribes' : 'unsubscribes'}`);
  }

  /** The nodes that lead a group now. */
  leaderNodes(): string[] {
    return [...new Set([...this.leaders.values()].filter((l): l is string => l !== undefined))];
  }

  isUp(node: string): boolean {
    return this.nodes.get(node)?.up === true;
  }

  /** Entries `node` is behind the leader of `group`. */
  lag(node: string, group: string): number {
    const leader = this.leaders.get(group);
    if (!leader) return Number.POSITIVE_INFINITY;
    return (this.nodes.get(leader)!.log.get(group) ?? 0) - (this.nodes.get(node)!.log.get(group) ?? 0);
  }

  /** A line per node: up, member of, lag per group (for the record of each restart). */
  describe(): string {
    return [...this.nodes.values()]
      .map(
        (n) =>
          `${n.name}:${n.up ? 'up' : 'down'}[${n.groups.map((g) => `${g.name}${n.member.has(g.name) ? `~${this.lag(n.name, g.name)}` : '?'}`).join(',')}]`,
      )
      .join(' ');
  }

  private record(what: string): void {
    this.events.push({ at: Date.now() - this.start, what });
  }

  private setLeader(group: string, leader: string | undefined): void {
    if (this.leaders.get(group) === leader) return;
    this.leaders.set(group, leader);
    this.record(leader ? `${leader} leads ${group}` : `${group} has no leader`);
  }

  /** When each stalled node's fault was first seen: it stalls from its next start on. */
  private readonly stalledSince = new Map<string, number>();

  private stalledNow(name: string, node: NodeState): boolean {
    if (this.faults.get(name)?.kind !== 'stalled') {
      this.stalledSince.delete(name);
      return false;
    }
    const since = this.stalledSince.get(name) ?? Date.now();
    this.stalledSince.set(name, since);
    return node.running !== undefined && node.running > since;
  }

  private tick(): void {
    const now = Date.now();
    for (const n of this.nodes.values()) {
      if (
        n.running !== undefined &&
        !n.up &&
        !this.crashed.has(n.name) &&
        now - n.running >= (this.options.startDelayMs ?? 300)
      ) {
        n.up = true;
        this.record(`${n.name} is up`);
      }
    }
    const bootstrap = this.nodes.get(this.spec.bootstrapNode)!;
    if (!this.formed && bootstrap.up) {
      this.formed = true;
      for (const g of bootstrap.groups) {
        bootstrap.member.add(g.name);
        bootstrap.log.set(g.name, 0);
      }
      this.record(`${bootstrap.name} forms the cluster`);
    }
    if (!this.formed) return;
    for (const group of this.spec.groups) this.tickGroup(group);
    this.tickApps();
  }

  /** Events are written to each context with a connected app; processors catch up unless told not to. */
  private tickApps(): void {
    const components = new Map([...this.instances.values()].map((i) => [i.component, i.context]));
    for (const context of new Set(components.values()))
      this.heads.set(context, (this.heads.get(context) ?? 0) + (this.options.writeRate ?? 5));
    for (const [component, context] of components) {
      const fault = this.processorFaults.get(component);
      if (fault === 'stalled') continue;
      if (fault === 'replaying') {
        this.positions.set(component, 0);
        continue;
      }
      const head = this.heads.get(context) ?? 0;
      this.positions.set(
        component,
        Math.min(head, (this.positions.get(component) ?? 0) + (this.options.catchUpRate ?? 400)),
      );
    }
  }

  private tickGroup(group: NodeRolloutSpec['groups'][number]): void {
    const members = group.roles.map((r) => ({ ...r, state: this.nodes.get(r.node)! }));
    for (const m of members) {
      // A running node joins (or rejoins) its group once the group has a leader (or it forms it).
      if (m.state.up && !m.state.member.has(group.name) && this.leaders.get(group.name)) {
        m.state.member.add(group.name);
        m.state.log.set(group.name, 0);
        this.record(`${m.node} joins ${group.name}`);
      }
    }
    const active = (r: (typeof members)[number]) => r.state.up && r.state.member.has(group.name);
    // Raft counts the members of the current configuration: the nodes that joined.
    const joined = members.filter((m) => m.state.member.has(group.name));
    const { primaries, majority } = quorumOf(joined);
    const primariesUp = joined.filter((m) => m.role === 'PRIMARY' && active(m)).length;
    if (joined.length > 0) {
      const margin = primariesUp - majority;
      const worst = this.worstMargin.get(group.name);
      if (worst === undefined || margin < worst) this.worstMargin.set(group.name, margin);
      if (margin < 0 && (worst === undefined || worst >= 0)) this.record(`${group.name} lost its majority`);
    }
    const leader = this.leaders.get(group.name);
    if (!leader || !active(members.find((m) => m.node === leader)!)) {
      const candidate = members.find((m) => m.role === 'PRIMARY' && active(m));
      this.setLeader(group.name, primariesUp >= majority && candidate ? candidate.node : undefined);
    }
    const current = this.leaders.get(group.name);
    if (!current) return;
    const head = this.nodes.get(current)!;
    const headLog = (head.log.get(group.name) ?? 0) + (primaries > 0 ? (this.options.writeRate ?? 5) : 0);
    head.log.set(group.name, headLog);
    for (const m of members) {
      if (m.node === current || !active(m)) continue;
      const own = m.state.log.get(group.name) ?? 0;
      if (this.stalledNow(m.node, m.state)) {
        m.state.log.set(group.name, Math.max(0, Math.min(own, headLog - STALLED_BEHIND)));
        continue;
      }
      m.state.log.set(group.name, Math.min(headLog, own + (this.options.catchUpRate ?? 400)));
    }
  }

  private answer(node: NodeState, req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const fault = this.faults.get(node.name);
    if (!node.up) {
      req.socket.destroy(); // a stopped process refuses connections
      return;
    }
    if (fault?.kind === 'hang') return; // never answers: the client's timeout fires
    if (fault?.kind === 'status' && (!fault.paths || fault.paths.test(url.pathname))) {
      res.writeHead(fault.code).end(`{"error":"injected ${fault.code}"}`);
      return;
    }
    const token = this.options.systemToken;
    if (token !== undefined && req.headers['axoniq-access-token'] !== token) {
      this.unauthorised.push(`${req.method ?? 'GET'} ${url.pathname}`);
      res.writeHead(401).end('{"error":"AXONIQ-1000: token missing or invalid"}');
      return;
    }
    const json = (value: unknown): void => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
    };
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        this.registered.push({ path: url.pathname, body: JSON.parse(body || 'null') });
        res.writeHead(200).end('ok');
      });
      return;
    }
    const component = /^\/v1\/components\/([^/]+)\/(processors|commands|queries)$/.exec(url.pathname);
    if (component)
      return json(
        this.componentAnswer(decodeURIComponent(component[1]), component[2], url.searchParams.get('context') ?? ''),
      );
    switch (url.pathname) {
      case '/v1/public/status':
        return json({ nrOfEvents: (this.heads.get(url.searchParams.get('context') ?? '') ?? 0) - 1 });
      case '/v1/public/me':
        return json({ name: node.name, adminNode: node.admin, contextNames: [] });
      case '/actuator/info':
        return json({});
      case '/v1/public/replicationgroups':
        // The admin view is filled by _admin log entries, which only _admin members apply.
        return json(node.member.has('_admin') ? this.groupsView() : []);
      case '/internal/raft/status':
        return json(this.raftStatus(node));
      case '/actuator/health':
        return json(this.health(node));
      default:
        res.writeHead(404).end();
        return;
    }
  }

  /** EventProcessorRestController, CommandRestController, QueryRestController for one component. */
  private componentAnswer(component: string, what: string, context: string): unknown {
    const instances = [...this.instances.values()].filter((i) => i.component === component && i.context === context);
    if (what === 'processors') {
      const fault = this.processorFaults.get(component);
      const names = [...new Set(instances.flatMap((i) => i.processors))];
      return names.map((name) => ({
        name,
        mode: 'Pooled Streaming',
        isStreaming: true,
        tokenStoreIdentifier: `${component}-store`,
        trackers: instances.slice(0, 1).map((i) => ({
          clientId: i.pod,
          segmentId: 0,
          caughtUp: true, // Axon Framework never turns it false again: the controller must not trust it
          replaying: fault === 'replaying',
          tokenPosition: (this.positions.get(component) ?? 0) - 1,
          errorState: '',
          onePartOf: 1,
        })),
      }));
    }
    if (!this.subscribed.has(component)) return [];
    const first = instances.find((i) => i.serving);
    if (!first) return [];
    return what === 'commands'
      ? first.commands.map((name) => ({ name }))
      : first.queries.map((name) => ({ name, responseTypes: ['java.lang.Object'] }));
  }

  private groupsView() {
    return this.spec.groups.map((g) => ({
      name: g.name,
      leader: this.leaders.get(g.name) ?? null,
      roles: g.roles
        .filter((r) => this.nodes.get(r.node)!.member.has(g.name) && this.faults.get(r.node)?.kind !== 'missing')
        .map((r) => ({ node: r.node, role: r.role })),
    }));
  }

  private raftStatus(node: NodeState) {
    return [...node.member].map((group) => {
      const leader = this.leaders.get(group);
      const own = node.log.get(group) ?? 0;
      const leaderLog = leader ? (this.nodes.get(leader)!.log.get(group) ?? 0) : own;
      return {
        context: group,
        leaderName: leader ?? null,
        isLeader: leader === node.name,
        commitIndex: Math.min(own, leaderLog),
        lastAppliedIndex: own,
        lastLogIndex: own,
      };
    });
  }

  private health(node: NodeState) {
    const details: Record<string, string> = {};
    for (const group of node.member) {
      const leader = this.leaders.get(group);
      details[`${group}.leader`] = leader ?? 'None';
      if (leader !== node.name) continue;
      for (const r of this.spec.groups.find((g) => g.name === group)?.roles ?? []) {
        if (r.node === node.name) continue;
        const peer = this.nodes.get(r.node)!;
        details[`${group}.follower.${r.node}.status`] = !peer.up
          ? 'NO_ACK_RECEIVED'
          : this.lag(r.node, group) > 100
            ? 'BEHIND'
            : 'UP';
      }
    }
    return { status: 'UP', components: { raft: { status: 'UP', details } } };
  }
}
