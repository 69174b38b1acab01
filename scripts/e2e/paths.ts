/**
 * Where the end-to-end machinery finds things: the repository, the ignored cache that
 * scripts/e2e/setup.sh fills, the VSIX files, and the results folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root, found from the working directory so bundled copies of this file work too. */
export const REPO = findRepoRoot(process.cwd());
export const CACHE = join(REPO, '.vscode-test');
export const RESULTS = join(REPO, 'test-results', 'e2e');
export const E2E_BUILD = join(REPO, 'out', 'e2e');

export interface E2eEnv {
  /** Node 24, which code-server needs. */
  node: string;
  /** code-server's JavaScript entry point, run with `node`. */
  codeServer: string;
  chromium: string;
}

/** What setup.sh wrote; throws a plain message when setup has not run. */
export function readE2eEnv(): E2eEnv {
  const file = join(CACHE, 'e2e-env.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: run scripts/e2e/setup.sh first`);
  return JSON.parse(readFileSync(file, 'utf8')) as E2eEnv;
}

interface Manifest {
  name: string;
  publisher: string;
  version: string;
}

export function readManifest(dir = REPO): Manifest & Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest & Record<string, unknown>;
}

/** `npm run package` writes NAME-VERSION.vsix in the repository root (CLAB_E2E_VSIX overrides). */
export function mainVsixPath(): string {
  if (process.env.CLAB_E2E_VSIX) return resolve(process.env.CLAB_E2E_VSIX);
  const m = readManifest();
  return join(REPO, `${m.name}-${m.version}.vsix`);
}

/** The test-only VSIX files scripts/e2e/build.mjs writes. */
export const LANGPACK_VSIX = join(E2E_BUILD, 'langpack-zh-cn-stub.vsix');
export const RUNNER_VSIX = join(E2E_BUILD, 'vscode-runner.vsix');

function findRepoRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'esbuild.mjs')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = resolve(dir, '..');
    if (parent === dir) return resolve(start);
    dir = parent;
  }
}
