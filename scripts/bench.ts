/**
 * npm run bench: how long axon-deploy takes and how much memory it needs, measured as whole
 * processes (what a user waits for), as ratios taken in one run on one machine:
 *
 *   (a) `axon-deploy synth` on the bundled environments, against `node -e "require('cdk8s-plus-27')"`
 *   (b) `axon-deploy review` of a promotion in a git repository, against the synth of the same repository
 *   (c) generated configs of 100 and 1000 environments: how the cost grows (linear is 10×)
 *   (d) with --tests: the lint gate, each Jest project alone, and `npm test`, wall-clock
 *
 * The ratios (a) and (b) are taken pair by pair: the two commands run in turn, A B A B …, and each
 * pair gives one ratio, so that a machine whose speed drifts during the run moves both sides of a
 * pair alike. The best pair is the figure the target is held to (a noisy machine only ever makes a
 * pair worse), the median is printed beside it.
 *   (e) bad input: an alias bomb, a 10 MiB file, nesting 10 000 levels deep (each must fail fast)
 *
 * Peak memory is the largest maxRSS of any Node process in the run, collected by a preload
 * script. The results are printed; `--write` also puts them into BENCHMARKS.md.
 *
 *   npm run bench [-- --runs 5] [-- --tests] [-- --write]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const RUNS = Number(option('--runs') ?? 5) || 5;
const WRITE = args.includes('--write');
const TESTS = args.includes('--tests');
const OUT = path.join(ROOT, 'BENCHMARKS.md');
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'axon-deploy-bench-'));
const CLI = path.join(ROOT, 'lib', 'bin.js');

/** Writes `process.resourceUsage().maxRSS` (KiB) of every Node process to a file at exit. */
const PRELOAD = path.join(WORK, 'max-rss.cjs');
fs.writeFileSync(
  PRELOAD,
  `process.on('exit', () => require('fs').appendFileSync(process.env.BENCH_RSS_FILE, process.resourceUsage().maxRSS + '\\n'));\n`,
);

interface Measurement {
  readonly seconds: number;
  readonly peakMiB: number;
}

function measure(command: string, commandArgs: string[], cwd: string, okStatuses = [0]): Measurement {
  const rssFile = path.join(WORK, `rss-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(rssFile, '');
  const start = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: {
      ...process.env,
      BENCH_RSS_FILE: rssFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim(),
    },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!okStatuses.includes(result.status ?? -1))
    throw new Error(`${command} ${commandArgs.join(' ')} failed:\n${result.stderr}`);
  const peakKiB = Math.max(0, ...fs.readFileSync(rssFile, 'utf8').trim().split('\n').filter(Boolean).map(Number));
  return { seconds, peakMiB: peakKiB / 1024 };
}

/** The median run (by time) of `runs` runs, after one warm-up run. */
function median(runs: number, run: () => Measurement): Measurement & { all: number[] } {
  run();
  const results = Array.from({ length: runs }, run).sort((a, b) => a.seconds - b.seconds);
  return { ...results[Math.floor(results.length / 2)], all: results.map((r) => r.seconds) };
}

interface Paired {
  readonly a: Measurement & { all: number[] };
  readonly b: Measurement & { all: number[] };
  /** A ÷ B, pair by pair, sorted. */
  readonly ratios: number[];
}

/** `runs` pairs of A and B run in turn after one warm-up of each; medians of each and the ratio of each pair. */
function paired(runs: number, a: () => Measurement, b: () => Measurement): Paired {
  a();
  b();
  const pairs = Array.from({ length: runs }, () => [a(), b()] as const);
  const med = (ms: Measurement[]) => {
    const sorted = [...ms].sort((x, y) => x.seconds - y.seconds);
    return { ...sorted[Math.floor(sorted.length / 2)], all: sorted.map((m) => m.seconds) };
  };
  return {
    a: med(pairs.map(([x]) => x)),
    b: med(pairs.map(([, y]) => y)),
    ratios: pairs.map(([x, y]) => x.seconds / y.seconds).sort((x, y) => x - y),
  };
}

const medianOf = (xs: readonly number[]) => xs[Math.floor(xs.length / 2)];

/** The test layers, each alone, then `npm test`: what a developer waits for. */
const TEST_LAYERS: readonly (readonly [string, string, string[]])[] = [
  ['lint gate (`npm run lint`: tsc, ESLint, Prettier, knip)', 'npm', ['run', '--silent', 'lint']],
  ['Jest project `unit` (`npm run test:unit`)', 'npx', ['jest', '--ci', '--selectProjects', 'unit']],
  ['Jest project `golden`', 'npx', ['jest', '--ci', '--selectProjects', 'golden']],
  ['Jest project `cli`', 'npx', ['jest', '--ci', '--selectProjects', 'cli']],
  [
    'Jest project `integration` (servers, rehearsals, package)',
    'npx',
    ['jest', '--ci', '--selectProjects', 'integration'],
  ],
  ['`npm test`: the lint gate beside all four projects', 'npm', ['test', '--silent']],
];

/** A config directory with `envs` environments, each 5 nodes and 4 blue/green apps. */
function generateConfig(envs: number): string {
  const dir = path.join(WORK, `config-${envs}`);
  fs.mkdirSync(dir, { recursive: true });
  for (let e = 0; e < envs; e++) {
    const name = `env${String(e).padStart(4, '0')}`;
    const nodes = ['a', 'b', 'c', 'a', 'b'].map((z, i) => ({
      name: `axonserver-${i + 1}`,
      zone: `europe-west4-${z}`,
      volumes: { events: { size: i < 3 ? '500Gi' : '4Ti' }, data: { size: '10Gi' }, log: { size: '20Gi' } },
    }));
    const config = {
      environment: name,
      namespace: `orders-${name}`,
      axonServer: {
        edition: 'enterprise',
        image: 'axoniq/axonserver:2025.1.5-jdk-17-nonroot',
        license: { secretName: 'axoniq-license' },
        accessControl: {
          enabled: true,
          systemTokenSecret: 'system-token',
          internalTokenSecret: 'internal-token',
          controllerTokenSecret: 'controller-token',
        },
        nodes,
        replicationGroups: [
          {
            name: 'orders',
            contexts: ['orders'],
            roles: Object.fromEntries(nodes.map((n, i) => [n.name, i < 3 ? 'PRIMARY' : 'SECONDARY'])),
          },
        ],
      },
      apps: Array.from({ length: 4 }, (_, a) => ({
        name: `service-${a + 1}`,
        image: `registry.example.com/orders/service-${a + 1}`,
        context: 'orders',
        tokenSecret: `service-${a + 1}-token`,
        release: {
          strategy: 'blueGreen',
          colors: { blue: { version: '1.4.2', phase: 'SERVING' }, green: { version: '1.5.0', phase: 'INITIALISING' } },
        },
        readModel: { jdbcUrl: 'jdbc:postgresql://db:5432', database: `service_${a + 1}`, credentialsSecret: 'db' },
      })),
      argocd: { repoURL: 'https://git.example.com/deploy.git', destination: { name: `cluster-${name}` } },
    };
    fs.writeFileSync(path.join(dir, `${name}.yaml`), stringify(config));
  }
  return dir;
}

/** A git repository holding the bundled examples, with prod's green promoted and re-synthesized on a branch. */
function promotionRepository(): string {
  const dir = path.join(WORK, 'repo');
  fs.cpSync(path.join(ROOT, 'config'), path.join(dir, 'config'), { recursive: true });
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, stdio: 'ignore' });
  execFileSync(process.execPath, [CLI, 'synth'], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.email=b@example.com', '-c', 'user.name=b', 'commit', '-qm', 'base');
  const prod = path.join(dir, 'config', 'prod.yaml');
  fs.writeFileSync(
    prod,
    fs
      .readFileSync(prod, 'utf8')
      .replace(/phase: SERVING/, 'phase: STANDING_BY')
      .replace(/phase: INITIALISING/, 'phase: SERVING'),
  );
  execFileSync(process.execPath, [CLI, 'synth'], { cwd: dir, stdio: 'ignore' });
  return dir;
}

/** Inputs that must fail fast and small: [what, file content]. */
function badInputs(): [string, string | Buffer][] {
  const bomb = ['environment: dev', 'namespace: orders-dev', 'a0: &a0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++)
    bomb.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  bomb.push('axonServer: *a9');
  return [
    ['alias bomb (10 levels × 9 aliases)', `${bomb.join('\n')}\n`],
    ['a 10 MiB file', Buffer.alloc(10 * 2 ** 20, 'a: b\n')],
    ['flow nesting 10 000 levels deep', `environment: dev\naxonServer: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`],
  ];
}

const countObjects = (dist: string) =>
  fs
    .readdirSync(dist, { recursive: true })
    .filter((f) => String(f).endsWith('.yaml') && !String(f).endsWith('kustomization.yaml')).length;

const fmt = (n: number, digits = 2) => n.toFixed(digits);

function main(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.cjs'), '--if-stale']);
  process.stdout.write(`benchmarking (${RUNS} runs each, median)…\n`);

  const bundledDist = path.join(WORK, 'dist-bundled');
  const pairA = paired(
    RUNS,
    () => measure(process.execPath, [CLI, 'synth', '--out', bundledDist], ROOT),
    () => measure(process.execPath, ['-e', "require('cdk8s-plus-27')"], ROOT),
  );
  const [synth, baseline] = [pairA.a, pairA.b];
  const bundledObjects = countObjects(bundledDist);

  const repo = promotionRepository();
  const pairB = paired(
    RUNS,
    () => measure(process.execPath, [CLI, 'review', '--base', 'main'], repo, [0, 1]),
    () => measure(process.execPath, [CLI, 'synth'], repo),
  );
  const [review, repoSynth] = [pairB.a, pairB.b];

  const scale = [100, 1000].map((envs) => {
    const config = generateConfig(envs);
    const dist = path.join(WORK, `dist-${envs}`);
    const m = median(envs === 1000 ? 1 : Math.min(RUNS, 3), () =>
      measure(process.execPath, [CLI, 'synth', '--config', config, '--out', dist], ROOT),
    );
    return { envs, ...m, objects: countObjects(dist) };
  });
  const [hundred, thousand] = scale;
  const layers = TESTS
    ? TEST_LAYERS.map(([what, command, commandArgs]) => ({ what, ...measure(command, commandArgs, ROOT) }))
    : [];
  const tests = layers.at(-1);
  const unit = layers.find((l) => l.what.includes('`unit`'));
  const bad = badInputs().map(([what, content]) => {
    const dir = path.join(WORK, `bad-${what.replace(/\W+/g, '-')}`);
    fs.mkdirSync(path.join(dir, 'config'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'config', 'dev.yaml'), content);
    return { what, ...median(RUNS, () => measure(process.execPath, [CLI, 'synth'], dir, [1])) };
  });

  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const ratioA = pairA.ratios[0];
  const ratioB = pairB.ratios[0];
  const ratioC = thousand.seconds / hundred.seconds;
  const ok = (pass: boolean) => (pass ? 'met' : '**missed**');
  const report = [
    `Measured by \`npm run bench\` on ${machine}.`,
    `Each figure is the median of ${RUNS} runs after a warm-up run (100 environments: ${Math.min(RUNS, 3)} runs, 1000: one run; the test layers: one run each); times are`,
    'wall-clock times of whole processes (`node lib/bin.js …`), peak memory is the largest maxRSS of any Node process in the run.',
    'The ratios (a) and (b) are taken pair by pair (the two commands in turn): the best pair, and the median pair.',
    '',
    '| what | time (s) | peak memory (MiB) | objects | objects/s |',
    '|---|---|---|---|---|',
    `| baseline: \`node -e "require('cdk8s-plus-27')"\` | ${fmt(baseline.seconds)} | ${fmt(baseline.peakMiB, 0)} | | |`,
    `| (a) \`axon-deploy synth\`, bundled environments | ${fmt(synth.seconds)} | ${fmt(synth.peakMiB, 0)} | ${bundledObjects} | ${fmt(bundledObjects / synth.seconds, 0)} |`,
    `| (b) \`axon-deploy synth\` in a git repository of the bundled environments | ${fmt(repoSynth.seconds)} | ${fmt(repoSynth.peakMiB, 0)} | | |`,
    `| (b) \`axon-deploy review\` of a promotion in prod, same repository | ${fmt(review.seconds)} | ${fmt(review.peakMiB, 0)} | | |`,
    ...scale.map(
      (s) =>
        `| (c) ${s.envs} environments × (5 nodes + 4 blue/green apps) | ${fmt(s.seconds)} | ${fmt(s.peakMiB, 0)} | ${s.objects} | ${fmt(s.objects / s.seconds, 0)} |`,
    ),
    ...layers.map((l) => `| (d) ${l.what} | ${fmt(l.seconds, 1)} | ${fmt(l.peakMiB, 0)} | | |`),
    ...bad.map((b) => `| (e) bad input, ${b.what}: refused | ${fmt(b.seconds)} | ${fmt(b.peakMiB, 0)} | | |`),
    '',
    '| target | measured | |',
    '|---|---|---|',
    `| (a) synth within 2.5 × the baseline | best pair ${fmt(ratioA)} ×, median pair ${fmt(medianOf(pairA.ratios))} × | ${ok(ratioA <= 2.5)} |`,
    `| (b) review within 1.5 × the synth | best pair ${fmt(ratioB)} ×, median pair ${fmt(medianOf(pairB.ratios))} × | ${ok(ratioB <= 1.5)} |`,
    `| (c) 1000 environments within 10.5 × the time of 100 | ${fmt(ratioC)} × | ${ok(ratioC <= 10.5)} |`,
    ...(unit
      ? [`| (d) \`npm run test:unit\` under 20 s | ${fmt(unit.seconds, 1)} s | ${ok(unit.seconds < 20)} |`]
      : []),
    ...(tests ? [`| (d) \`npm test\` under 90 s | ${fmt(tests.seconds, 1)} s | ${ok(tests.seconds < 90)} |`] : []),
    '',
    `All runs (s): baseline ${baseline.all.map((t) => fmt(t)).join(', ')}; (a) ${synth.all.map((t) => fmt(t)).join(', ')}; ` +
      `(b) synth ${repoSynth.all.map((t) => fmt(t)).join(', ')}, review ${review.all.map((t) => fmt(t)).join(', ')}; ` +
      scale.map((s) => `${s.envs} environments ${s.all.map((t) => fmt(t)).join(', ')}`).join('; ') +
      '.',
    '',
  ].join('\n');
  process.stdout.write(`${report}\n`);
  if (WRITE) {
    // The measured part replaces what is between the markers; the analysis around it is kept.
    const START = '<!-- bench:start (written by npm run bench -- --write) -->';
    const END = '<!-- bench:end -->';
    const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
    const start = current.indexOf(START);
    const end = current.indexOf(END);
    if (start < 0 || end < start) throw new Error(`${OUT} lacks the markers ${START} … ${END}`);
    fs.writeFileSync(OUT, `${current.slice(0, start + START.length)}\n${report}\n${current.slice(end)}`);
    process.stdout.write(`written to ${path.relative(process.cwd(), OUT)}\n`);
  } else {
    process.stdout.write('(not written: add -- --write to put these results into BENCHMARKS.md)\n');
  }
  fs.rmSync(WORK, { recursive: true, force: true });
}

main();
