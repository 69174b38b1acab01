/**
 * Each vocabulary is declared once: a const array in its home file, from which its type and guard
 * derive. A literal list of all its words anywhere else in src — an array or a union type written by
 * hand — is a second declaration that can drift from the first, and fails here.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { STEP_ACTIONS, ACTIVITIES } from '../../src/extension/lessonProgress';
import { RUNTIME_SETTINGS } from '../../src/extension/settingsModel';
import { INTENTS } from '../../src/shared/events';
import { PROGRESS_NOTES } from '../../src/shared/progress';
import { EXPORT_FORMATS, LOG_LEVELS } from '../../src/shared/protocol';
import { LOCK_MODES, SCENARIO_IDS, SECTION_IDS } from '../../src/shared/scenarios';
import { LANE_KINDS, LANE_STATES, MARK_KINDS, OUTPUT_STREAMS, RUNTIMES, STATE_METHODS } from '../../src/shared/trace';

const ROOT = findPackageRoot(__dirname)!;

interface Vocabulary {
  name: string;
  home: string;
  words: readonly string[];
}

const VOCABULARIES: Vocabulary[] = [
  { name: 'LANE_STATES', home: 'src/shared/trace.ts', words: LANE_STATES },
  { name: 'MARK_KINDS', home: 'src/shared/trace.ts', words: MARK_KINDS },
  { name: 'LANE_KINDS', home: 'src/shared/trace.ts', words: LANE_KINDS },
  { name: 'RUNTIMES', home: 'src/shared/trace.ts', words: RUNTIMES },
  { name: 'OUTPUT_STREAMS', home: 'src/shared/trace.ts', words: OUTPUT_STREAMS },
  { name: 'STATE_METHODS', home: 'src/shared/trace.ts', words: STATE_METHODS },
  { name: 'INTENTS', home: 'src/shared/events.ts', words: INTENTS },
  { name: 'SCENARIO_IDS', home: 'src/shared/scenarios.ts', words: SCENARIO_IDS },
  { name: 'SECTION_IDS', home: 'src/shared/scenarios.ts', words: SECTION_IDS },
  { name: 'LOCK_MODES', home: 'src/shared/scenarios.ts', words: LOCK_MODES },
  { name: 'EXPORT_FORMATS', home: 'src/shared/protocol.ts', words: EXPORT_FORMATS },
  { name: 'LOG_LEVELS', home: 'src/shared/protocol.ts', words: LOG_LEVELS },
  { name: 'RUNTIME_SETTINGS', home: 'src/extension/settingsModel.ts', words: RUNTIME_SETTINGS },
  { name: 'PROGRESS_NOTES', home: 'src/shared/progress.ts', words: PROGRESS_NOTES },
  { name: 'ACTIVITIES', home: 'src/extension/lessonProgress.ts', words: ACTIVITIES },
  { name: 'STEP_ACTIONS', home: 'src/extension/lessonProgress.ts', words: STEP_ACTIONS },
];

/** Re-listings not yet folded into their vocabulary, each with its reason. Shrink, never grow. */
const KNOWN: ReadonlySet<string> = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.[cm]?ts$/.test(name) ? [full] : [];
  });
}

const STRING = /'([^'\\\n]*)'|"([^"\\\n]*)"/g;
const words = (text: string): Set<string> => new Set([...text.matchAll(STRING)].map((m) => m[1] ?? m[2]));

/** The literal lists of a source: the strings of each innermost `[…]`, and of each `'a' | 'b' | …` union. */
function literalLists(source: string): Set<string>[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const arrays = [...code.matchAll(/\[([^[\]]*)\]/g)].map((m) => words(m[1]));
  const unions = [...code.matchAll(/(?:(?:'[^'\n]*'|"[^"\n]*")\s*\|\s*)+(?:'[^'\n]*'|"[^"\n]*")/g)].map((m) => words(m[0]));
  return [...arrays, ...unions];
}

const relisted = (v: Vocabulary, source: string): boolean => literalLists(source).some((list) => v.words.every((w) => list.has(w)));

describe('vocabularies', () => {
  const files = sourceFiles(path.join(ROOT, 'src')).map((f) => ({ rel: path.relative(ROOT, f).split(path.sep).join('/'), text: readFileSync(f, 'utf8') }));

  it('are each declared as a const array in their home file, their type derived from it', () => {
    for (const v of VOCABULARIES) {
      const home = files.find((f) => f.rel === v.home);
      assert.ok(home, `${v.home} exists`);
      assert.match(home.text, new RegExp(`export const ${v.name} = `), `${v.name} is declared in ${v.home}`);
      assert.match(home.text, new RegExp(`\\(typeof ${v.name}\\)\\[number\\]`), `${v.name}'s type derives from it`);
      assert.equal(new Set(v.words).size, v.words.length, `${v.name} lists each word once`);
    }
  });

  it('are not listed again anywhere else in src', () => {
    const found: string[] = [];
    for (const v of VOCABULARIES) {
      for (const f of files) {
        if (f.rel !== v.home && relisted(v, f.text) && !KNOWN.has(`${f.rel} ${v.name}`)) found.push(`${f.rel} lists ${v.name} (${v.words.join(', ')}) again`);
      }
    }
    assert.deepEqual(found, [], 'import the vocabulary from its home file instead');
  });

  it('the known exceptions are still real (remove one once it is fixed)', () => {
    for (const k of KNOWN) {
      const [rel, name] = k.split(' ');
      const v = VOCABULARIES.find((x) => x.name === name)!;
      const f = files.find((x) => x.rel === rel);
      assert.ok(f && relisted(v, f.text), `${k} no longer re-lists it: drop it from KNOWN`);
    }
  });

  it('finds a hand-written list, as an array or as a union type', () => {
    const runtimes = VOCABULARIES.find((v) => v.name === 'RUNTIMES')!;
    assert.ok(relisted(runtimes, "const r = ['node', 'python'];"));
    assert.ok(relisted(runtimes, "let r: 'python' | 'node' | 'ruby';"));
    assert.ok(!relisted(runtimes, "if (r === 'python') return 'node';"));
    assert.ok(!relisted(runtimes, "// ['node', 'python']"));
  });
});
