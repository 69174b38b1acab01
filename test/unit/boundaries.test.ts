/**
 * The sides of src import each other only through their public faces: the extension reaches the
 * engine through src/engine/index.ts (the host protocol and everything both share is in src/shared),
 * the webview and src/shared import no other side, and the engine nothing of the editor's sides.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { findPackageRoot } from '../../src/engine/packageRoot';

const ROOT = findPackageRoot(__dirname)!;

/** Imports not yet through the public face, each with its reason. Shrink, never grow. */
const KNOWN: ReadonlySet<string> = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.[cm]?ts$/.test(name) ? [full] : [];
  });
}

const rel = (p: string): string => path.relative(ROOT, p).split(path.sep).join('/');

/** Every relative module a source imports or re-exports (static, type-only, dynamic or required), resolved from the root. */
function importsOf(file: string, source: string): string[] {
  const specs = [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g)].map((m) => m[1]);
  return specs.map((s) => rel(path.resolve(path.dirname(file), s)).replace(/\.[cm]?[jt]s$/, ''));
}

const edges = sourceFiles(path.join(ROOT, 'src')).flatMap((f) => importsOf(f, readFileSync(f, 'utf8')).map((to) => ({ from: rel(f), to })));
const side = (p: string): string => p.split('/')[1] ?? '';

describe('boundaries between the sides of src', () => {
  it('finds the imports it checks', () => {
    assert.ok(edges.some((e) => e.from.startsWith('src/extension/') && e.to === 'src/engine'), 'the extension imports the engine');
    const sample = "import { x } from '../engine/y.js';\nexport type { Z } from \"./z\";\nconst m = await import('../shared/m');\nimport * as vscode from 'vscode';";
    assert.deepEqual(importsOf(path.join(ROOT, 'src/extension/a.ts'), sample), ['src/engine/y', 'src/extension/z', 'src/shared/m']);
  });

  it('the extension imports the engine only through src/engine/index.ts', () => {
    const reached = edges.filter((e) => side(e.from) === 'extension' && side(e.to) === 'engine' && e.to !== 'src/engine' && e.to !== 'src/engine/index');
    const found = reached.map((e) => `${e.from} -> ${e.to}`).filter((e) => !KNOWN.has(e));
    assert.deepEqual(found, [], 'export what the extension needs from src/engine/index.ts and import it from there');
  });

  it('the known exceptions are still real (remove one once it is fixed)', () => {
    for (const k of KNOWN) assert.ok(edges.some((e) => `${e.from} -> ${e.to}` === k), `${k} is gone: drop it from KNOWN`);
  });

  it('src/shared and the webview import no other side; the engine neither the extension nor the webview', () => {
    const allowed: Record<string, string[]> = { shared: ['shared'], webview: ['webview', 'shared'], engine: ['engine', 'shared'] };
    const found = edges.filter((e) => allowed[side(e.from)] && !allowed[side(e.from)].includes(side(e.to))).map((e) => `${e.from} -> ${e.to}`);
    assert.deepEqual(found, []);
  });
});
