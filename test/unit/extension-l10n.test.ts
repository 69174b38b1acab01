/**
 * Every string shown at run time has Chinese: the extension's `l10n.t` calls, the webview's `t`
 * calls and label tables (the extension sends their translations in `init`), and the scenario
 * catalogue. A string added without a translation fails here with its text.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SCENARIOS } from '../../src/shared/scenarios';
import { RUNTIMES } from '../../src/shared/trace';
import { variantsFor } from '../../src/shared/variants';

const root = resolve(__dirname, '../../..');
const LITERAL = String.raw`'((?:\\.|[^'\\])*)'`;
const unescape = (s: string) => s.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** First-argument literals of `t(...)` / `l10n.t(...)`, and values of `*_LABEL` / `*_KEYS` tables. */
function runtimeKeys(files: string[], tables: boolean): Set<string> {
  const keys = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(new RegExp(String.raw`(?<![\w.])(?:vscode\.l10n\.t|l10n\.t|texts\.t|t)\(\s*` + LITERAL, 'g'))) keys.add(unescape(m[1]));
    if (!tables) continue;
    for (const table of text.matchAll(/const [A-Z_]*(?:LABEL|KEYS)\b[^=]*=\s*\{([\s\S]*?)\n\}/g)) {
      for (const v of table[1].matchAll(new RegExp(':\\s*' + LITERAL, 'g'))) keys.add(unescape(v[1]));
    }
  }
  return keys;
}

const placeholders = (s: string) => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();

describe('extension l10n bundles', () => {
  const zh = JSON.parse(readFileSync(join(root, 'l10n/bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
  const en = JSON.parse(readFileSync(join(root, 'l10n/bundle.l10n.json'), 'utf8')) as Record<string, string>;
  // The quiz data carries both languages itself; its `t(en, zh)` helper is not a bundle lookup.
  const extensionFiles = tsFiles(join(root, 'src/extension')).filter((f) => !f.endsWith(join('quiz', 'questions.ts')));

  const check = (keys: Iterable<string>) => {
    const missing = [...keys].filter((k) => !(k in zh));
    assert.deepEqual(missing, [], `add these to l10n/bundle.l10n.zh-cn.json (and bundle.l10n.json)`);
  };

  it('translates every string of the extension', () => check(runtimeKeys(extensionFiles, true)));

  it('translates every string the webview looks up', () => check(runtimeKeys(tsFiles(join(root, 'src/webview')), true)));

  // The findings and breakdown parts are shared with the CLI (English) and localized by the panel.
  it('translates every finding and breakdown part', () => check(runtimeKeys([join(root, 'src/shared/findings.ts')], true)));

  it('translates the scenario catalogue', () => check(SCENARIOS.flatMap((s) => [s.title, s.description])));

  // Progress is data, translated by id on both sides (src/shared/progress.ts); a variant's title is its key.
  it('translates every progress note and variant title', () => {
    check(runtimeKeys([join(root, 'src/shared/progress.ts'), join(root, 'src/shared/variants.ts')], true));
    const titles = SCENARIOS.flatMap((s) => RUNTIMES.flatMap((r) => variantsFor(s.id, r, s.defaults).map((v) => v.title)));
    check(titles.filter((title) => !title.startsWith('Pool of ')));
  });

  it('keeps the placeholders of each key', () => {
    for (const [key, value] of Object.entries(zh)) assert.deepEqual(placeholders(value), placeholders(key), key);
  });

  it('has the same keys in the English bundle', () => {
    assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
    for (const [k, v] of Object.entries(en)) assert.equal(v, k);
  });
});
