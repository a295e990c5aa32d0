/**
 * A real Kubernetes API server for validation: etcd and kube-apiserver started on free loopback
 * ports from a directory of binaries in the layout of controller-runtime's envtest
 * (KUBEBUILDER_ASSETS: etcd, kube-apiserver, kubectl), the CRDs installed, and kubectl pointed
 * at it. No controllers run, so nothing is ever scheduled: the server only admits (or refuses)
 * objects, which is what a strict server-side dry-run needs.
 *
 * Both processes are stopped by pid when `stop()` is called, when the process exits or is
 * interrupted, and — if a run was killed outright — by the next start, which removes what an
 * earlier run of this machine left behind.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const BINARIES = ['etcd', 'kube-apiserver', 'kubectl'] as const;
const WORK_PREFIX = 'axon-deploy-apiserver-';

/** The binaries are missing: say where they were looked for and how to get them. */
export class ApiServerUnavailable extends Error {}

/** How a team gets the binaries (controller-runtime's setup-envtest). */
export const HOW_TO_GET_BINARIES =
  'get them with `go run sigs.k8s.io/controller-runtime/tools/setup-envtest@latest use 1.34 -p path` and set KUBEBUILDER_ASSETS to the directory it prints';

/** The problem with a directory of binaries, if any. */
export function assetsProblem(dir: string | undefined): string | undefined {
  if (!dir) return `KUBEBUILDER_ASSETS is not set: ${HOW_TO_GET_BINARIES}`;
  const missing = BINARIES.filter((b) => !isExecutable(path.join(dir, b)));
  return missing.length > 0 ? `${dir} lacks ${missing.join(', ')}: ${HOW_TO_GET_BINARIES}` : undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** kubectl against one API server. */
export class Kubectl {
  constructor(
    private readonly binary: string,
    readonly kubeconfig: string,
  ) {}

  run(args: readonly string[], input?: string): KubectlResult {
    const r = spawnSync(this.binary, [...args], {
      input,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
      env: { ...process.env, KUBECONFIG: this.kubeconfig, KUBECTL_INTERACTIVE_DELETE: 'false' },
    });
    return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
  }

  /** Runs kubectl with stdout and stderr in one stream, in the order kubectl wrote them. */
  runInterleaved(args: readonly string[]): { status: number; output: string } {
    const file = path.join(os.tmpdir(), `axon-deploy-kubectl-${process.pid}-${randomBytes(4).toString('hex')}.log`);
    const fd = fs.openSync(file, 'w');
    try {
      const r = spawnSync(this.binary, [...args], {
        stdio: ['ignore', fd, fd],
        timeout: 120_000,
        env: { ...process.env, KUBECONFIG: this.kubeconfig },
      });
      return { status: r.status ?? 1, output: fs.readFileSync(file, 'utf8') };
    } finally {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
    }
  }
}

export interface StartOptions {
  /** Directory holding etcd, kube-apiserver and kubectl. */
  readonly assets: string;
  /** CustomResourceDefinition files to install before use. */
  readonly crds?: readonly string[];
  /** CustomResourceDefinitions to install too, as objects (axon-deploy's own). */
  readonly crdObjects?: readonly unknown[];
  /** Give up waiting for the server after this many milliseconds (default 90 s). */
  readonly timeoutMs?: number;
  /**
   * How requests are authorised: AlwaysAllow (validation) or RBAC (rehearsals, where a
   * ServiceAccount has only what its Role gives it). @default 'AlwaysAllow'
   */
  readonly authorization?: 'AlwaysAllow' | 'RBAC';
}

export class ApiServer {
  private constructor(
    readonly kubectl: Kubectl,
    readonly url: string,
    /** Where the server keeps its files: certificates (certs/), the ServiceAccount keys (sa.key), logs. */
    readonly workDir: string,
    private readonly children: ChildProcess[],
  ) {}

  /** The key the server signs ServiceAccount tokens with (kube-controller-manager needs it). */
  get serviceAccountKey(): string {
    return path.join(this.workDir, 'sa.key');
  }

  /** The server's self-signed serving certificate (a CA for in-cluster clients of the rehearsals). */
  get servingCertificate(): string {
    return path.join(this.workDir, 'certs', 'apiserver.crt');
  }

  /**
   * Starts another process beside the server (kube-controller-manager, kube-scheduler), stopped
   * with it, its output in `<name>.log` in the work directory.
   */
  launchBeside(binary: string, args: readonly string[], name: string): ChildProcess {
    const child = launch(binary, [...args], path.join(this.workDir, `${name}.log`));
    this.children.push(child);
    fs.writeFileSync(path.join(this.workDir, 'pids'), this.children.map((c) => c.pid).join('\n'));
    return child;
  }

  /** Starts etcd and kube-apiserver, waits for /readyz, installs the CRDs. */
  static async start(options: StartOptions): Promise<ApiServer> {
    const problem = assetsProblem(options.assets);
    if (problem) throw new ApiServerUnavailable(problem);
    removeLeftovers();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), WORK_PREFIX));
    fs.writeFileSync(path.join(work, 'owner.pid'), String(process.pid));
    const [etcdClient, etcdPeer, apiPort] = await freePorts(3);
    const token = writeCredentials(work);
    const children: ChildProcess[] = [];
    const server = new ApiServer(
      new Kubectl(path.join(options.assets, 'kubectl'), path.join(work, 'kubeconfig')),
      `https://127.0.0.1:${apiPort}`,
      work,
      children,
    );
    registerCleanup(server);
    try {
      const etcd = `http://127.0.0.1:${etcdClient}`;
      children.push(
        launch(path.join(options.assets, 'etcd'), etcdArgs(work, etcd, etcdPeer), path.join(work, 'etcd.log')),
        launch(
          path.join(options.assets, 'kube-apiserver'),
          apiServerArgs(work, etcd, apiPort, options.authorization ?? 'AlwaysAllow'),
          path.join(work, 'apiserver.log'),
        ),
      );
      fs.writeFileSync(path.join(work, 'pids'), children.map((c) => c.pid).join('\n'));
      fs.writeFileSync(server.kubectl.kubeconfig, kubeconfig(server.url, token), { mode: 0o600 });
      await waitReady(server.url, token, children, work, options.timeoutMs ?? 90_000);
      server.installAllCrds(options);
      return server;
    } catch (err) {
      server.stop();
      throw err;
    }
  }

  /** The CRDs of the options: from files (server-side), then axon-deploy's own objects (client-side). */
  private installAllCrds(options: StartOptions): void {
    const crds = [...(options.crds ?? [])];
    if (crds.length > 0) this.installCrds(crds);
    if (options.crdObjects && options.crdObjects.length > 0) {
      // axon-deploy's own, as a cluster admin installs them (`kubectl apply -k dist/cluster`):
      // a client-side apply, so a dry-run of dist/cluster finds them unchanged.
      const file = path.join(this.workDir, 'crds.json');
      fs.writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: options.crdObjects }));
      this.installCrds([file], 'client-side');
    }
  }

  /**
   * Applies CRDs, server-side by default (some are too large for a client-side apply), and waits
   * until they are served.
   */
  installCrds(files: readonly string[], mode: 'server-side' | 'client-side' = 'server-side'): void {
    const applied = this.kubectl.run([
      'apply',
      ...(mode === 'server-side' ? ['--server-side', '--force-conflicts'] : []),
      ...files.flatMap((f) => ['-f', f]),
    ]);
    if (applied.status !== 0) throw new Error(`installing CRDs failed: ${applied.stderr.trim()}`);
    // `kubectl wait` fails on a CRD whose status the server has not written yet: poll instead.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const got = this.kubectl.run(['get', 'crd', '-o', 'json']);
      const items = (
        JSON.parse(got.stdout || '{"items":[]}') as {
          items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
        }
      ).items;
      const pending = items
        .filter((c) => !c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True'))
        .map((c) => c.metadata.name);
      if (got.status === 0 && pending.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(`CRDs did not become established: ${pending.join(', ') || got.stderr.trim()}`);
      spawnSync('sleep', ['0.2']);
    }
  }

  /** Stops both processes by pid and removes the working directory. Safe to call twice. */
  stop(): void {
    for (const child of [...this.children].reverse()) stopProcess(child.pid);
    this.children.length = 0;
    fs.rmSync(this.workDir, { recursive: true, force: true });
    running.delete(this);
  }
}

function launch(binary: string, args: string[], log: string): ChildProcess {
  const out = fs.openSync(log, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return child;
}

function stopProcess(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function kubeconfig(server: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: envtest, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]`,
    `users: [{name: envtest, user: {token: "${token}"}}]`,
    'contexts: [{name: envtest, context: {cluster: envtest, user: envtest}}]',
    'current-context: envtest',
    '',
  ].join('\n');
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

async function waitReady(
  url: string,
  token: string,
  children: readonly ChildProcess[],
  work: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead) {
      const name = dead === children[0] ? 'etcd' : 'kube-apiserver';
      const log = path.join(work, name === 'etcd' ? 'etcd.log' : 'apiserver.log');
      throw new Error(`${name} exited before the API server was ready:\n${tail(log, 15)}`);
    }
    if (await readyz(url, token)) return;
    if (Date.now() > deadline)
      throw new Error(
        `the API server was not ready after ${timeoutMs / 1000} s:\n${tail(path.join(work, 'apiserver.log'), 15)}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

function readyz(url: string, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(
      `${url}/readyz`,
      { headers: { Authorization: `Bearer ${token}` }, rejectUnauthorized: false, timeout: 2000 },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'ok'));
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------
// Cleanup: on exit and interruption, and of what a killed run left behind.

const running = new Set<ApiServer>();
let handlersInstalled = false;

function registerCleanup(server: ApiServer): void {
  running.add(server);
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const s of [...running]) s.stop();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const s of [...running]) s.stop();
      process.kill(process.pid, signal);
    });
  }
}

/** Stops the servers of earlier runs whose owner process is gone, and removes their directories. */
function removeLeftovers(): void {
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(WORK_PREFIX))) {
    const dir = path.join(os.tmpdir(), name);
    const read = (file: string) => {
      try {
        return fs.readFileSync(path.join(dir, file), 'utf8');
      } catch {
        return undefined;
      }
    };
    const owner = read('owner.pid');
    // A directory without an owner may be one another process is creating right now: leave it a minute.
    if (owner === undefined ? Date.now() - fs.statSync(dir).mtimeMs < 60_000 : alive(Number(owner))) continue;
    for (const pid of (read('pids') ?? '').split('\n').map(Number).filter(Boolean)) {
      if (alive(pid) && commandLineOf(pid).includes(dir)) stopProcess(pid);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandLineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** The service-account key pair and the admin token of a new server; returns the token. */
function writeCredentials(work: string): string {
  const token = randomBytes(16).toString('hex');
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  fs.writeFileSync(path.join(work, 'sa.pub'), keys.publicKey);
  fs.writeFileSync(path.join(work, 'sa.key'), keys.privateKey, { mode: 0o600 });
  fs.writeFileSync(path.join(work, 'tokens.csv'), `${token},axon-deploy,axon-deploy,system:masters\n`, {
    mode: 0o600,
  });
  return token;
}

function etcdArgs(work: string, clientUrl: string, peerPort: number): string[] {
  return [
    `--data-dir=${path.join(work, 'etcd')}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
    '--unsafe-no-fsync',
  ];
}

function apiServerArgs(work: string, etcdUrl: string, port: number, authorization: string): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    `--secure-port=${port}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--cert-dir=${path.join(work, 'certs')}`,
    `--token-auth-file=${path.join(work, 'tokens.csv')}`,
    `--authorization-mode=${authorization}`,
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${path.join(work, 'sa.pub')}`,
    `--service-account-signing-key-file=${path.join(work, 'sa.key')}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    // No controller creates the `default` ServiceAccount, so admission would refuse every pod.
    '--disable-admission-plugins=ServiceAccount',
  ];
}
