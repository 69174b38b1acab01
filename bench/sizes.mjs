// Sizes: the extension bundle (what activation loads), the webview bundle, and the VSIX a learner downloads.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUT, ROOT, run } from './common.mjs';

const KB = 1024;


/** `%key%` strings of package.json that package.nls.json does not define (vsce refuses to package then). */
function missingNlsKeys() {
  const manifest = readFileSync(join(ROOT, 'package.json'), 'utf8');
  const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8'));
  return [...new Set([...manifest.matchAll(/"%([\w.-]+)%"/g)].map((m) => m[1]))].filter((k) => !(k in nls));
}

const lastLine = (r) => ((r.stdout + r.stderr).trim().split('\n').filter(Boolean).pop() ?? '').replace(/^\s*ERROR\s*/, '').split('. ').slice(0, 2).join('. ');

/**
 * Packages the VSIX from a copy of exactly what ships (manifest, strings, docs, l10n, media,
 * walkthroughs) with the benchmark's own production bundles: the shared dist/ may be rebuilt for
 * tests at any moment by other jobs. If the manifest names a string package.nls.json lacks (vsce
 * refuses it), the gap is filled with the key name and the row says so.
 */
export async function vsixSize(distDir, out = join(OUT, 'x.vsix')) {
  rmSync(out, { force: true });
  const missing = missingNlsKeys();
  const dir = mkdtempSync(join(tmpdir(), 'clab-vsix-'));
  try {
    for (const f of ['package.nls.json', 'package.nls.zh-cn.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore']) {
      if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(dir, f));
    }
    for (const d of ['l10n', 'media', 'walkthroughs']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
    cpSync(distDir, join(dir, 'dist'), { recursive: true });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    delete pkg.scripts; // the bundles are already built; the copy has no sources to build from
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    if (missing.length) {
      const nls = JSON.parse(readFileSync(join(dir, 'package.nls.json'), 'utf8'));
      for (const k of missing) nls[k] = k;
      writeFileSync(join(dir, 'package.nls.json'), JSON.stringify(nls, null, 2));
    }
    const vsce = (extra) => run(join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', ...extra, '-o', out], { cwd: dir });
    const notes = missing.length ? [`package.nls.json lacks ${missing.join(', ')}: filled in`] : [];
    let r = await vsce([]);
    if (r.code !== 0) {
      // Relative links in README.md need a repository URL; the size does not depend on them.
      notes.push(`vsce refuses the package as is (${lastLine(r)}); measured with --no-rewrite-relative-links`);
      r = await vsce(['--no-rewrite-relative-links']);
    }
    if (r.code !== 0) return { bytes: NaN, note: `vsce failed: ${lastLine(r)}` };
    return { bytes: statSync(out).size, note: notes.join('; ') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {string} distDir the benchmark's snapshot of the production bundles */
export async function measureSizes(distDir) {
  const size = (f) => statSync(join(distDir, f)).size;
  const extension = size('extension.js');
  const webview = size('webview.js') + size('webview.css');
  const vsix = await vsixSize(distDir);
  return [
    { group: 'size', metric: 'dist/extension.js (minified)', value: `${(extension / KB).toFixed(1)} KB`, target: '< 150 KB', pass: extension < 150 * KB },
    { group: 'size', metric: 'webview bundle (dist/webview.js + .css)', value: `${(webview / KB).toFixed(1)} KB`, target: '—', pass: null, note: `js ${(size('webview.js') / KB).toFixed(1)} KB, css ${(size('webview.css') / KB).toFixed(1)} KB` },
    { group: 'size', metric: 'VSIX', value: `${(vsix.bytes / KB / KB).toFixed(2)} MB`, target: '< 1.5 MB', pass: vsix.bytes < 1.5 * KB * KB, note: vsix.note },
  ];
}
