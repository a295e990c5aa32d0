/**
 * Where the installed package lives and which version it is. Works from the TypeScript sources
 * (src/) and from the compiled package (lib/): both sit one level below the package root.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

let root: string | undefined;

/** The directory holding the tool's package.json. */
export function packageRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
    ) {
      root = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package.json above ${__dirname}`);
    dir = parent;
  }
}

export const PACKAGE_NAME = 'axon-deploy';

/** The tool's version, from its package.json. */
export function toolVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
