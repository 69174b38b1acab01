/**
 * Finds the package root (the folder whose package.json is named "concurrency-lab") by walking up
 * from this file, so the shipped programs are found from dist/, from out/test/… and from an
 * installed extension alike.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PACKAGE_NAME = 'concurrency-lab';

export function findPackageRoot(start: string = __dirname): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === PACKAGE_NAME) return dir;
    } catch {
      // no package.json here, or not JSON: keep walking
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
