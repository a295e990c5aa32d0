/**
 * npm run bench: how long the synth takes and how much memory it needs, measured as whole
 * processes (what a user waits for), and how the cost grows with the number of environments.
 *
 *   (a) `npm run synth` on the bundled environments, against `node -e "require('cdk8s-plus-27')"`
 *   (b) generated configs of 10 and 100 environments, each with 5 Axon Server nodes and 20
 *       blue/green apps: time, peak memory, objects per second, and the ratio of the two times.
 *
 * Peak memory is the largest maxRSS of any Node process in the run (npm included), collected by a
 * preload script. Results go to BENCHMARKS.md with a description of the machine.
 *
 *   npm run bench [-- --runs 5] [-- --out BENCHMARKS.md]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1] ?? 0) || 5;
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1] : path.join(ROOT, 'BENCHMARKS.md');
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'axon-deploy-bench-'));

/** Writes `process.resourceUsage().maxRSS` (KiB) of every Node process to a file at exit. */
const PRELOAD = path.join(WORK, 'max-rss.cjs');
fs.writeFileSync(PRELOAD, `process.on('exit', () => require('fs').appendFileSync(process.env.BENCH_RSS_FILE, process.resourceUsage().maxRSS + '\\n'));\n`);

interface Measurement { readonly seconds: number; readonly peakMiB: number }

function measure(command: string, commandArgs: string[], cwd: string): Measurement {
  const rssFile = path.join(WORK, `rss-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const start = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim() },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed:\n${result.stderr}`);
  const peakKiB = Math.max(...fs.readFileSync(rssFile, 'utf8').trim().split('\n').map(Number));
  return { seconds, peakMiB: peakKiB / 1024 };
}

/** The median run (by time) of `runs` runs, after one warm-up run (fills the tsx cache). */
function median(runs: number, run: () => Measurement): Measurement & { all: number[] } {
  run();
  const results = Array.from({ length: runs }, run).sort((a, b) => a.seconds - b.seconds);
  return { ...results[Math.floor(results.length / 2)], all: results.map((r) => r.seconds) };
}

/** A config with `envs` environments, each 5 nodes and 20 blue/green apps. */
function generateConfig(envs: number): string {
  const dir = path.join(WORK, `config-${envs}`);
  fs.mkdirSync(dir, { recursive: true });
  for (let e = 0; e < envs; e++) {
    const name = `env${String(e).padStart(3, '0')}`;
    const nodes = ['a', 'b', 'c', 'd', 'e'].map((z, i) => ({
      name: `axonserver-${i + 1}`,
      zone: `europe-west4-${z === 'd' ? 'a' : z === 'e' ? 'b' : z}`,
      volumes: {
        events: { size: i < 3 ? '500Gi' : '4Ti', storageClass: i < 3 ? `fast-${name}` : `archive-${name}` },
        data: { size: '10Gi', storageClass: `fast-${name}` },
        log: { size: '20Gi', storageClass: `fast-${name}` },
      },
    }));
    const config = {
      environment: name,
      namespace: `orders-${name}`,
      axonServer: {
        edition: 'enterprise',
        image: 'axoniq/axonserver:2025.1.5-jdk-17-nonroot',
        license: { secretName: 'axoniq-license' },
        accessControl: { enabled: true, systemTokenSecret: 'system-token', internalTokenSecret: 'internal-token' },
        storageClasses: [
          { name: `fast-${name}`, provisioner: 'pd.csi.storage.gke.io', parameters: { type: 'pd-ssd' } },
          { name: `archive-${name}`, provisioner: 'pd.csi.storage.gke.io', parameters: { type: 'pd-standard' } },
        ],
        nodes,
        replicationGroups: [{
          name: 'orders',
          contexts: ['orders'],
          roles: Object.fromEntries(nodes.map((n, i) => [n.name, i < 3 ? 'PRIMARY' : 'SECONDARY'])),
        }],
      },
      apps: Array.from({ length: 20 }, (_, a) => ({
        name: `service-${a + 1}`,
        image: `registry.example.com/orders/service-${a + 1}`,
        context: 'orders',
        tokenSecret: `service-${a + 1}-token`,
        release: { strategy: 'blueGreen', colors: { blue: { version: '1.4.2', phase: 'SERVING' }, green: { version: '1.5.0', phase: 'INITIALISING' } } },
        readModel: { jdbcUrl: 'jdbc:postgresql://db:5432', database: `service_${a + 1}`, credentialsSecret: 'db' },
      })),
      argocd: { repoURL: 'https://git.example.com/deploy.git', destination: { name: `cluster-${name}` } },
    };
    fs.writeFileSync(path.join(dir, `${name}.yaml`), stringify(config));
  }
  return dir;
}

const countObjects = (dist: string) => fs.readdirSync(dist, { recursive: true })
  .filter((f) => String(f).endsWith('.yaml') && !String(f).endsWith('kustomization.yaml')).length;

const fmt = (n: number, digits = 2) => n.toFixed(digits);

function main(): void {
  const synthArgs = [path.join(ROOT, 'scripts/synth.cjs')];
  process.stdout.write(`benchmarking (${RUNS} runs each, median)…\n`);

  const baseline = median(RUNS, () => measure(process.execPath, ['-e', "require('cdk8s-plus-27')"], ROOT));
  const bundledDist = path.join(WORK, 'dist-bundled');
  const bundled = median(RUNS, () => measure('npm', ['run', '--silent', 'synth', '--', '--out', bundledDist], ROOT));
  const bundledObjects = countObjects(bundledDist);

  const scale = [10, 100].map((envs) => {
    const config = generateConfig(envs);
    const dist = path.join(WORK, `dist-${envs}`);
    const m = median(envs === 100 ? Math.min(RUNS, 3) : RUNS, () => measure(process.execPath, [...synthArgs, '--config', config, '--out', dist], ROOT));
    return { envs, ...m, objects: countObjects(dist) };
  });
  const [ten, hundred] = scale;

  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const ratioA = bundled.seconds / baseline.seconds;
  const ratioB = hundred.seconds / ten.seconds;
  const ok = (pass: boolean) => (pass ? 'met' : '**missed**');
  const report = [
    `Measured by \`npm run bench\` on ${machine}.`,
    `Each figure is the median of ${RUNS} runs after a warm-up run (100 environments: ${Math.min(RUNS, 3)} runs); times are wall-clock`,
    'times of whole processes, peak memory is the largest maxRSS of any Node process in the run.',
    '',
    '| what | time (s) | peak memory (MiB) | objects | objects/s |',
    '|---|---|---|---|---|',
    `| baseline: \`node -e "require('cdk8s-plus-27')"\` | ${fmt(baseline.seconds)} | ${fmt(baseline.peakMiB, 0)} | | |`,
    `| (a) \`npm run synth\`, bundled environments (dev, staging, prod) | ${fmt(bundled.seconds)} | ${fmt(bundled.peakMiB, 0)} | ${bundledObjects} | ${fmt(bundledObjects / bundled.seconds, 0)} |`,
    ...scale.map((s) => `| (b) ${s.envs} environments × (5 nodes + 20 blue/green apps) | ${fmt(s.seconds)} | ${fmt(s.peakMiB, 0)} | ${s.objects} | ${fmt(s.objects / s.seconds, 0)} |`),
    '',
    '| target | measured | |',
    '|---|---|---|',
    `| (a) at most 4 × the baseline | ${fmt(ratioA)} × | ${ok(ratioA <= 4)} |`,
    `| (b) 100 environments within 10 × the time of 10 (linear) | ${fmt(ratioB)} × | ${ok(ratioB <= 10)} |`,
    `| (b) 100 environments under 400 MiB peak | ${fmt(hundred.peakMiB, 0)} MiB | ${ok(hundred.peakMiB < 400)} |`,
    '',
    `All runs (s): baseline ${baseline.all.map((t) => fmt(t)).join(', ')}; (a) ${bundled.all.map((t) => fmt(t)).join(', ')}; `
      + scale.map((s) => `${s.envs} environments ${s.all.map((t) => fmt(t)).join(', ')}`).join('; ') + '.',
    '',
  ].join('\n');
  // The measured part replaces what is between the markers; the analysis around it is kept.
  const START = '<!-- bench:start (written by npm run bench) -->';
  const END = '<!-- bench:end -->';
  const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${OUT} lacks the markers ${START} … ${END}`);
  fs.writeFileSync(OUT, `${current.slice(0, start + START.length)}\n${report}\n${current.slice(end)}`);
  process.stdout.write(`${report}\nwritten to ${path.relative(process.cwd(), OUT)}\n`);
  fs.rmSync(WORK, { recursive: true, force: true });
}

main();
