/**
 * npm run validate [-- <dir>]: checks every manifest under dist/ (or <dir>) against the
 * Kubernetes 1.27 and Argo CD v3.5.1 schemas in imports/schemas/ (unknown fields included), the
 * Pod Security Standards "restricted" profile, and for secret material.
 */
import { validateDirectory } from '../src/validate/schema-validator';

const dir = process.argv[2] ?? 'dist';
const { files, objects, problems } = validateDirectory(dir);
for (const p of problems) process.stderr.write(`${p}\n`);
if (problems.length > 0) {
  process.stderr.write(`\n${problems.length} problem${problems.length === 1 ? '' : 's'} in ${dir}/\n`);
  process.exit(1);
}
process.stdout.write(`${objects} objects in ${files} files under ${dir}/ match the Kubernetes 1.27 and Argo CD v3.5.1 schemas, the restricted pod security profile, and hold no secrets\n`);
