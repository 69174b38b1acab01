// One build for every bundle. Flags: --watch, --production (minified, no source maps),
// --tests (also bundle test/** so mocha runs plain JS), --quiet.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const quiet = args.has('--quiet');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: quiet ? 'error' : 'warning',
  legalComments: 'none',
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

/** Each file loaded by path at run time is its own bundle. */
const bundles = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...node, entryPoints: { engineHost: 'src/engine/host.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/engine/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: { webview: 'src/webview/main.ts', schedulerView: 'src/webview/scheduler/main.ts' },
    outdir: 'dist',
  },
];

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return findTests(p);
    return /\.(test|suite)\.ts$/.test(name) || name === 'index.ts' ? [p] : [];
  });
}

if (args.has('--tests')) {
  const entries = ['test/unit', 'test/webview', 'test/vscode', 'test/e2e'].flatMap(findTests);
  if (entries.length) {
    bundles.push({
      ...node,
      sourcemap: 'inline',
      entryPoints: entries,
      outbase: 'test',
      outdir: 'out/test',
      external: ['vscode', 'mocha', 'playwright-core'],
    });
  }
}

const missing = bundles.flatMap((b) => (Array.isArray(b.entryPoints) ? b.entryPoints : Object.values(b.entryPoints))).filter((f) => !existsSync(f));
if (missing.length) throw new Error(`missing entry point: ${missing.join(', ')}`);

if (watch) {
  for (const b of bundles) await (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  const started = Date.now();
  await Promise.all(bundles.map((b) => esbuild.build(b)));
  if (!quiet) console.log(`built ${bundles.length} bundles in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
