// Shared helpers of the benchmark: statistics, the bundled engine seams, small process helpers.
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(ROOT, 'bench', 'out');
export const FIXTURES = join(ROOT, 'bench', 'fixtures');

/** Median: the figure least moved by the other jobs sharing this machine. */
export function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const load1 = () => loadavg()[0];
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Bundles a TypeScript entry of bench/ for Node and loads it (each benchmark needs some project code). */
export async function bundleAndRequire(entry, outName) {
  await esbuild.build({
    entryPoints: [join(ROOT, 'bench', entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: join(OUT, outName),
    external: ['playwright-core'],
    logLevel: 'error',
  });
  return createRequire(import.meta.url)(join(OUT, outName));
}

let lib;
/** The engine's own modules (bench/lib.ts), bundled once per benchmark run. */
export async function engineLib() {
  lib ??= await bundleAndRequire('lib.ts', 'lib.cjs');
  return lib;
}

/**
 * Runs a command to completion and collects its output (no shell).
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, ms: number }>}
 */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(command, args, { cwd: ROOT, ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: nowMs() - t0 }));
  });
}

/** `n` with the unit, to one decimal below 10 and none above. */
export function fmt(n, unit = '') {
  if (!Number.isFinite(n)) return 'n/a';
  const digits = Math.abs(n) < 10 ? 1 : 0;
  return `${n.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

export const BUNDLES = ['extension.js', 'engineHost.js', 'cli.js', 'webview.js', 'webview.css'];

/**
 * Builds the production bundles and copies them at once to bench/out/dist, which every measurement
 * then uses: other jobs rebuild the shared dist/ (unminified, for tests) at any time. The harness
 * and the engine host find this folder by walking up from bench/out, as they find dist/ elsewhere.
 */
export async function productionSnapshot() {
  const { cpSync, mkdirSync, readFileSync, rmSync } = await import('node:fs');
  const dir = join(OUT, 'dist');
  for (let attempt = 1; ; attempt++) {
    const build = await run(process.execPath, ['esbuild.mjs', '--production', '--quiet']);
    if (build.code !== 0) throw new Error(`production build failed:\n${build.stderr}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const f of BUNDLES) cpSync(join(ROOT, 'dist', f), join(dir, f));
    // A development build has source-map comments: if one slipped in between build and copy, retry.
    const dev = BUNDLES.some((f) => readFileSync(join(dir, f), 'utf8').includes('sourceMappingURL='));
    if (!dev) return dir;
    if (attempt === 3) throw new Error('dist/ kept being rebuilt for development during the snapshot');
  }
}
