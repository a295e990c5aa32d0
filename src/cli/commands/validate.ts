/**
 * axon-deploy validate: checks every manifest of the output directory against the Kubernetes
 * 1.27 and Argo CD schemas (unknown fields are errors), the Pod Security Standards "restricted"
 * profile, and for secret material.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateDirectory } from '../../validate/schema-validator';
import { Command, stringOption, UsageError } from '../args';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check the manifests against the Kubernetes and Argo CD schemas, the restricted pod security profile, and for secrets',
  options: [
    { name: 'out', type: 'string', value: '<dir>', default: 'dist', description: 'Directory of the manifests to check.' },
  ],
  exitCodes: [[0, 'every manifest passes'], [1, 'problems found (each printed as file: kind/name: check: field: message)'], [2, 'usage error']],
  run(args, io) {
    const dir = stringOption(args, 'out', 'dist');
    const full = path.resolve(io.cwd, dir);
    if (!fs.existsSync(full) || !fs.statSync(full).isDirectory()) throw new UsageError(`no directory ${dir}: run axon-deploy synth first, or give --out <dir>`);
    const { files, objects, problems } = validateDirectory(full, io.cwd);
    for (const p of problems) io.stderr(`${p}\n`);
    if (problems.length > 0) {
      io.stderr(`\n${problems.length} problem${problems.length === 1 ? '' : 's'} in ${dir}/\n`);
      return 1;
    }
    io.stdout(`${objects} objects in ${files} files under ${dir}/ match the Kubernetes 1.27 and Argo CD schemas, the restricted pod security profile, and hold no secrets\n`);
    return 0;
  },
};
