/**
 * docs/glossary.md is the one list of the lesson's Chinese terms. This test reads it and fails when
 * a Chinese text — walkthrough steps, manifest strings, the quiz, the panel's bundle — uses a
 * synonym the glossary rejects, or when the chart's state names drift from it.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { QUIZ_QUESTIONS } from '../../src/extension/quiz/questions';
import { LANE_STATES } from '../../src/shared/trace';

const ROOT = resolve(__dirname, '../../..');
const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');

interface Term {
  en: string;
  zh: string;
  not: string[];
}

/** The rows of the markdown tables under one `## heading`, as arrays of trimmed cells. */
function tableRows(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `docs/glossary.md has no "## ${heading}" section`);
  const rest = markdown.slice(start + heading.length + 5);
  const end = rest.search(/\n## /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1) // the header row
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
}

function terms(markdown: string, heading: string): Term[] {
  return tableRows(markdown, heading).map(([en, zh, not]) => {
    const rejected = /^not:\s*(.+)$/.exec(not ?? '');
    return { en, zh, not: rejected ? rejected[1].split(/[、,，]/).map((s) => s.trim()).filter(Boolean) : [] };
  });
}

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p, suffix) : p.endsWith(suffix) ? [p] : [];
  });
}

/** Every Chinese text the learner reads, with where it comes from. */
function chineseTexts(): { where: string; text: string }[] {
  const texts: { where: string; text: string }[] = [];
  for (const f of files(join(ROOT, 'walkthroughs'), '.nls.zh-cn.md')) texts.push({ where: relative(ROOT, f), text: readFileSync(f, 'utf8') });
  const nls = JSON.parse(read('package.nls.zh-cn.json')) as Record<string, string | { message: string }>;
  for (const [key, value] of Object.entries(nls)) {
    // The walkthrough strings are this glossary's; other manifest keys belong to their own features.
    if (!key.startsWith('walkthrough.')) continue;
    texts.push({ where: `package.nls.zh-cn.json ${key}`, text: typeof value === 'string' ? value : value.message });
  }
  for (const q of QUIZ_QUESTIONS) {
    const all = [q.prompt, ...q.choices.flatMap((c) => [c.text, c.explanation])].map((t) => t['zh-cn']);
    texts.push({ where: `quiz (${q.section}) ${q.prompt.en}`, text: all.join('\n') });
  }
  const bundle = JSON.parse(read('l10n/bundle.l10n.zh-cn.json')) as Record<string, string>;
  for (const [key, value] of Object.entries(bundle)) texts.push({ where: `l10n/bundle.l10n.zh-cn.json "${key}"`, text: value });
  return texts;
}

describe('glossary (docs/glossary.md)', () => {
  const markdown = existsSync(join(ROOT, 'docs/glossary.md')) ? read('docs/glossary.md') : '';
  const all = [...terms(markdown, 'Terms'), ...terms(markdown, 'Variant names')];
  const bundle = JSON.parse(read('l10n/bundle.l10n.zh-cn.json')) as Record<string, string>;

  it('lists the lesson terms, each with one Chinese word, and rejects synonyms that are not part of a term', () => {
    const en = all.map((t) => t.en);
    for (const needed of ['thread', 'process', 'concurrency', 'parallelism', 'wall time', 'CPU-bound', 'race condition', 'lock', 'daemon thread', 'thread pool', 'speedup']) {
      assert.ok(en.includes(needed), `the glossary has no row for "${needed}"`);
    }
    assert.ok(en.some((e) => e.startsWith('GIL')), 'the glossary has no row for the GIL');
    for (const t of all) {
      assert.ok(/\p{Script=Han}|^[A-Za-z]/u.test(t.zh) && t.zh.length > 0, `"${t.en}" has no Chinese term`);
      for (const word of t.not) {
        // A rejected word inside a chosen one would make every correct text fail.
        for (const other of all) assert.ok(!other.zh.includes(word), `"${word}" is rejected but part of the term ${other.zh}`);
      }
    }
    const picked = (en: string) => all.find((t) => t.en === en)!;
    assert.equal(picked('wall time').zh, '实际耗时');
    assert.ok(picked('wall time').not.includes('墙钟时间'));
    assert.equal(picked('CPU-bound').zh, '计算密集');
    assert.ok(picked('CPU-bound').not.includes('CPU 密集'));
  });

  it('is followed by every Chinese text: no rejected synonym anywhere', () => {
    const texts = chineseTexts();
    assert.ok(texts.length > 100, `only ${texts.length} Chinese texts found`);
    const found: string[] = [];
    for (const term of all) {
      for (const word of term.not) {
        for (const { where, text } of texts) if (text.includes(word)) found.push(`${where}: "${word}" (the glossary says ${term.zh} for ${term.en})`);
      }
    }
    assert.deepEqual(found, []);
  });

  it('names every state of the chart, translated in the panel exactly as listed', () => {
    const rows = tableRows(markdown, 'Thread states');
    assert.deepEqual(rows.map((r) => r[0]), [...LANE_STATES], 'one row per LANE_STATES entry, in its order');
    for (const [state, label, zh] of rows) {
      assert.ok(label in bundle, `${state}: the panel has no string "${label}"`);
      assert.equal(bundle[label], zh, `${state}: the panel says ${bundle[label]}, the glossary ${zh}`);
    }
  });

  it('gives the variant names the panel shows', () => {
    for (const t of terms(markdown, 'Variant names')) assert.equal(bundle[t.en], t.zh, `the panel calls the ${t.en} variant ${bundle[t.en]}`);
    assert.notEqual(bundle.Threads, '线程数', 'the threads variant is not a count');
  });

  it('has the Chinese walkthroughs read the chart with the glossary state names', () => {
    const rows = tableRows(markdown, 'Thread states');
    for (const f of files(join(ROOT, 'walkthroughs'), 'read.nls.zh-cn.md')) {
      const text = readFileSync(f, 'utf8');
      // Every read step lists the legend: each state by its panel name.
      for (const [state, , zh] of rows.filter(([s]) => s !== 'idle')) assert.ok(text.includes(zh.replace(/，.*$/, '')), `${relative(ROOT, f)} does not name ${state} as ${zh}`);
    }
  });
});
