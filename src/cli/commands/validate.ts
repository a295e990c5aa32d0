/**
 * axon-deploy validate: checks every manifest of the output directory against the Kubernetes
 * 1.27 schemas and the CRDs of Argo CD, cert-manager, the Prometheus Operator, CSI snapshots and the Gateway API (unknown fields are errors), the Pod Security Standards "restricted"
 * profile, and for secret material; with --server also on a real API server (strict server-side
 * dry-run under enforced "restricted", deprecated APIs reported).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiServer, ApiServerUnavailable, assetsProblem } from '../../validate/api-server';
import { customResourceDefinitions } from '../../controller/crds';
import { validateOnServer } from '../../validate/server-validation';
import { Command, flag, formatOption, formatSpec, stringOption, UsageError } from '../args';

/** Bumped when a field of the JSON summary changes meaning or goes away. */
export const VALIDATE_JSON_VERSION = 1;

/** `validate --format json` (docs/reference/cli.md). */
export interface ValidateJson {
  readonly version: typeof VALIDATE_JSON_VERSION;
  readonly ok: boolean;
  readonly out: string;
  readonly files: number;
  readonly objects: number;
  /** With --server: the API server's version and the objects it accepted in a dry-run. */
  readonly server?: { readonly version: string; readonly objects: number };
  /** Each as `file: kind/name: check: field: message`. */
  readonly problems: readonly string[];
}

export const validateCommand: Command = {
  name: 'validate',
  summary:
    'check the manifests against the Kubernetes schemas and the CRDs it emits, the restricted pod security profile, and for secrets; with --server on a real API server',
  options: [
    {
      name: 'out',
      type: 'string',
      value: '<dir>',
      default: 'dist',
      description: 'Directory of the manifests to check.',
    },
    {
      name: 'server',
      type: 'boolean',
      description:
        'Also apply every environment with a strict server-side dry-run to a kube-apiserver started from KUBEBUILDER_ASSETS, in namespaces that enforce the restricted profile; any error or warning (Pod Security, deprecated API) is a problem.',
    },
    {
      name: 'assets',
      type: 'string',
      value: '<dir>',
      default: '$KUBEBUILDER_ASSETS',
      description:
        'With --server: the directory holding etcd, kube-apiserver and kubectl (setup-envtest use 1.34 -p path prints one).',
    },
    formatSpec(
      ['text', 'json'],
      'text for people; json for bots: { version, ok, out, files, objects, server, problems } on stdout (the ValidateJson type of the library), the exit status as with text.',
    ),
  ],
  notes: [
    'The schema check uses the Kubernetes 1.27 definitions (the API level cdk8s-plus-27 targets); the server is whatever version the binaries are (1.34 recommended): both must pass.',
  ],
  exitCodes: [
    [0, 'every manifest passes'],
    [1, 'problems found (each printed as file: kind/name: check: field: message)'],
    [2, 'usage error (no such directory; with --server: no binaries)'],
  ],
  async run(args, io) {
    const format = formatOption(args, ['text', 'json']);
    const dir = stringOption(args, 'out', 'dist');
    const full = path.resolve(io.cwd, dir);
    if (!fs.existsSync(full) || !fs.statSync(full).isDirectory())
      throw new UsageError(`no directory ${dir}: run axon-deploy synth first, or give --out <dir>`);
    const server = flag(args, 'server');
    const assets =
      typeof args.values.assets === 'string' ? path.resolve(io.cwd, args.values.assets) : io.env.KUBEBUILDER_ASSETS;
    if (server) {
      const problem = assetsProblem(assets);
      if (problem) throw new UsageError(`--server needs the envtest binaries: ${problem}`);
    }
    // Loaded here, not with the command line: the JSON Schema validator is the slowest module to load.
    const { crdFiles, validateDirectory } = await import('../../validate/schema-validator');
    const { files, objects, problems } = validateDirectory(full, io.cwd);
    const all = [...problems];
    let onServer: ValidateJson['server'];
    if (server) {
      if (format === 'text') io.stderr(`starting kube-apiserver from ${assets ?? '(none)'}…\n`);
      let api: ApiServer;
      try {
        api = await ApiServer.start({ assets: assets!, crds: crdFiles(), crdObjects: customResourceDefinitions() });
      } catch (err) {
        if (err instanceof ApiServerUnavailable) throw new UsageError(err.message);
        throw err;
      }
      try {
        const version = api.kubectl.run(['version', '-o', 'json']);
        const serverVersion =
          (JSON.parse(version.stdout || '{}') as { serverVersion?: { gitVersion?: string } }).serverVersion
            ?.gitVersion ?? 'unknown';
        const result = validateOnServer(api.kubectl, full, io.cwd);
        all.push(...result.problems);
        onServer = { version: serverVersion, objects: result.objects };
        if (result.problems.length === 0 && format === 'text')
          io.stdout(
            `${result.objects} objects under ${dir}/ pass a strict server-side dry-run on kube-apiserver ${serverVersion} under the enforced restricted profile, without warnings\n`,
          );
      } finally {
        api.stop();
      }
    }
    if (format === 'json') {
      const summary: ValidateJson = {
        version: VALIDATE_JSON_VERSION,
        ok: all.length === 0,
        out: dir,
        files,
        objects,
        ...(onServer ? { server: onServer } : {}),
        problems: all,
      };
      io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      return all.length === 0 ? 0 : 1;
    }
    for (const p of all) io.stderr(`${p}\n`);
    if (all.length > 0) {
      io.stderr(`\n${all.length} problem${all.length === 1 ? '' : 's'} in ${dir}/\n`);
      return 1;
    }
    io.stdout(
      `${objects} objects in ${files} files under ${dir}/ match the Kubernetes 1.27 schemas and the CRDs, the restricted pod security profile, and hold no secrets\n`,
    );
    return 0;
  },
};
