/**
 * The learner's copies: a Chinese display language gets the Chinese lesson programs, which are the
 * same code as the English ones (checked on Python's own syntax tree), print text the catalogue
 * still reads, and use the glossary's words; and the decision behind the "change one thing" steps —
 * whose copy a traced file is, and whether the learner edited it.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  isEdited,
  judgeTracedCopy,
  learnerCopyOf,
  LESSON_PROGRAMS,
  normaliseText,
  PROGRAM_TRANSLATIONS,
  programLocale,
  shippedOriginals,
  shippedProgram,
} from '../../src/extension/learnerCopies';
import { LessonProgress } from '../../src/extension/lessonProgress';
import { findScenario, readOutcome, SCENARIO_IDS } from '../../src/shared/scenarios';
import { LEVELS } from '../../src/shared/scheduler';

const ROOT = path.resolve(__dirname, '../../..');
const PROGRAMS = path.join(ROOT, 'media', 'programs');
const PYTHON = process.env.PYTHON ?? 'python3';
const ZH = path.join(PROGRAMS, 'python', 'zh-cn');

/**
 * Prints, per pair of files, whether their code is the same once every text is set aside: docstrings
 * dropped (comments never reach the tree), each string and f-string template replaced by a marker
 * (an f-string keeps its expressions and format specs). A text may differ only by being a
 * translation, i.e. containing Chinese: a flag, a key or a variant id must stay as it is.
 */
const SHAPE_PY = String.raw`
import ast, json, re, sys

CHINESE = re.compile('[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]')

def shape(path):
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), path)
    for node in ast.walk(tree):
        body = getattr(node, 'body', None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body \
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    texts = []

    class Texts(ast.NodeTransformer):
        def visit_Constant(self, node):
            if isinstance(node.value, str):
                texts.append(node.value)
                return ast.Constant(value='<text>')
            return node

        def visit_JoinedStr(self, node):
            texts.append(''.join(v.value if isinstance(v, ast.Constant) else '{}' for v in node.values))
            kept = []
            for v in node.values:
                if isinstance(v, ast.FormattedValue):
                    v.value = self.visit(v.value)
                    kept.append(v)
            node.values = kept
            return node

    return ast.dump(Texts().visit(tree)), texts

out = []
args = sys.argv[1:]
for en_path, zh_path in zip(args[0::2], args[1::2]):
    en, en_texts = shape(en_path)
    zh, zh_texts = shape(zh_path)
    at = next((i for i, (a, b) in enumerate(zip(en, zh)) if a != b), min(len(en), len(zh)))
    drift = None if en == zh else {'en': en[max(0, at - 60):at + 60], 'zh': zh[max(0, at - 60):at + 60]}
    changed = [[a, b] for a, b in zip(en_texts, zh_texts) if a != b and not CHINESE.search(b)] if en == zh else []
    out.append({'file': zh_path, 'drift': drift, 'changed': changed})
print(json.dumps(out, ensure_ascii=False))
`;

interface Shape {
  file: string;
  drift: { en: string; zh: string } | null;
  changed: [string, string][];
}

function run(command: string, args: string[], cwd = ROOT): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PYTHONIOENCODING: 'utf-8' } }, (error, out, err) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out, err }),
    );
  });
}

async function shapes(pairs: [string, string][]): Promise<Shape[]> {
  const r = await run(PYTHON, ['-c', SHAPE_PY, ...pairs.flat()]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as Shape[];
}

const translated = LESSON_PROGRAMS.filter((p) => PROGRAM_TRANSLATIONS[p.runtime].includes('zh-cn'));

describe('lesson programs in Chinese', function () {
  this.timeout(120_000);

  it('exist for exactly the Python programs a learner opens (each scenario and example), and only for them', () => {
    const files = translated.map((p) => p.file).sort();
    assert.deepEqual(files, [...SCENARIO_IDS.map((id) => `${id}.py`), 'reentrant.py'].sort());
    assert.deepEqual(readdirSync(ZH).sort(), files, 'media/programs/python/zh-cn holds a file nobody opens, or lacks one');
    assert.deepEqual(PROGRAM_TRANSLATIONS.node, [], 'Node copies stay English: none are shipped');
  });

  it('are the same code as the English ones: only comments, docstrings and texts differ, and a changed text is a translation', async () => {
    const results = await shapes(translated.map((p) => [path.join(PROGRAMS, 'python', p.file), path.join(ZH, p.file)]));
    for (const r of results) {
      assert.equal(r.drift, null, `${r.file}: the code differs from the English program near\n  en: ${r.drift?.en}\n  zh: ${r.drift?.zh}`);
      assert.deepEqual(r.changed, [], `${r.file}: texts changed without being translated (flags, keys and ids must stay)`);
    }
  });

  it('scheduler levels too: the same code, the same watch and expect lines, in Chinese', async () => {
    const dir = path.join(PROGRAMS, 'python', 'levels');
    assert.deepEqual(readdirSync(path.join(dir, 'zh-cn')).sort(), LEVELS.map((l) => l.file).sort());
    const results = await shapes(LEVELS.map((l) => [path.join(dir, l.file), path.join(dir, 'zh-cn', l.file)]));
    for (const r of results) {
      assert.equal(r.drift, null, `${r.file}: the code differs near\n  en: ${r.drift?.en}\n  zh: ${r.drift?.zh}`);
      assert.deepEqual(r.changed, [], `${r.file}: texts changed without being translated`);
    }
    const directives = (f: string) => readFileSync(f, 'utf8').split('\n').filter((l) => /^\s*#\s*(watch|expect):/.test(l));
    for (const l of LEVELS) {
      assert.deepEqual(directives(path.join(dir, 'zh-cn', l.file)), directives(path.join(dir, l.file)), `${l.file}: what the scheduler watches`);
      assert.match(readFileSync(path.join(dir, 'zh-cn', l.file), 'utf8'), /[\u4e00-\u9fff]/, `${l.file} is in Chinese`);
    }
  });

  it('the comparison fails when code drifts or a flag is renamed, and not for a reworded comment', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'clab-shape-'));
    const zhRace = readFileSync(path.join(ZH, 'race.py'), 'utf8');
    const variant = (name: string, text: string) => {
      assert.notEqual(text, zhRace, `${name}: the edit did not apply`);
      writeFileSync(path.join(dir, name), text);
      return [path.join(PROGRAMS, 'python', 'race.py'), path.join(dir, name)] as [string, string];
    };
    const [pause, flag, comment] = await shapes([
      variant('pause.py', zhRace.replace('time.sleep(0.01 * SCALE)            #', 'time.sleep(0.02 * SCALE)            #')),
      variant('flag.py', zhRace.replace("'--variant'", "'--variante'")),
      variant('comment.py', zhRace.replace('# 读出共享的余额……', '# 换一种说法的注释').replace("'不加锁'", "'没有锁'")),
    ]);
    assert.ok(pause.drift, 'a changed pause is code');
    assert.deepEqual(flag.changed, [['--variant', '--variante']]);
    assert.equal(comment.drift, null);
    assert.deepEqual(comment.changed, []);
  });

  it('carry Chinese comments and print Chinese text', () => {
    for (const p of translated) {
      const text = readFileSync(path.join(ZH, p.file), 'utf8');
      assert.match(text, /#[^\n]*\p{Script=Han}/u, `${p.file}: no Chinese comment`);
      assert.match(text, /print\(f?'[^'\n]*\p{Script=Han}/u, `${p.file}: prints no Chinese text`);
      assert.match(text, /^"""[^\n]*\p{Script=Han}/u, `${p.file}: the module docstring is not Chinese`);
    }
  });

  it('use the glossary: none of the synonyms it rejects', () => {
    const glossary = readFileSync(path.join(ROOT, 'docs', 'glossary.md'), 'utf8');
    const rejected = [...glossary.matchAll(/\|\s*not:\s*([^|]+)\|/g)].flatMap((m) => m[1].split(/[、,，]/).map((s) => s.trim()).filter(Boolean));
    assert.ok(rejected.includes('后台线程') && rejected.includes('串行执行'), `the glossary's rejected words were not read: ${rejected.join(' ')}`);
    for (const p of translated) {
      const text = readFileSync(path.join(ZH, p.file), 'utf8');
      for (const word of rejected) assert.ok(!text.includes(word), `${p.file} says "${word}", which docs/glossary.md rejects`);
    }
  });

  it("print a balance the catalogue reads, as it reads the English one", async () => {
    const race = findScenario('race')!;
    for (const [dir, line] of [[path.join(PROGRAMS, 'python'), /Balance: 20 \(expected 20\)/], [ZH, /余额：20（应为 20）/]] as const) {
      const r = await run(PYTHON, [path.join(dir, 'race.py'), '--lock', 'on', '--tasks', '20', '--scale', '0.2'], dir);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, line);
      assert.deepEqual(readOutcome(race, { ...race.defaults, tasks: 20 }, r.out), { expected: 20, actual: 20, ok: true }, r.out);
    }
  });
});

describe('reading the race outcome in both languages', () => {
  const race = findScenario('race')!;
  const params = race.defaults;

  it('reads an English and a Chinese balance line, the last one counting', () => {
    assert.deepEqual(readOutcome(race, params, '== Without a lock ==\nBalance: 7 (expected 100)\n'), { expected: 100, actual: 7, ok: false });
    assert.deepEqual(readOutcome(race, params, '== 不加锁 ==\n余额：7（应为 100）\n耗时：0.1 秒\n'), { expected: 100, actual: 7, ok: false });
    assert.deepEqual(readOutcome(race, params, '余额：7（应为 100）\n== 加锁 ==\n余额：100（应为 100）\n'), { expected: 100, actual: 100, ok: true });
    assert.deepEqual(readOutcome(race, params, 'Balance: 9\n余额: -3\n'), { expected: 100, actual: -3, ok: false }, 'a half-width colon too');
  });

  it('reads nothing from a program that printed no balance', () => {
    assert.equal(readOutcome(race, params, '余额不足\nno balance here\n'), undefined);
  });
});

describe('which original a new copy is made from', () => {
  it('is the Chinese program when the display language is Chinese, else the English one', () => {
    for (const lang of ['zh-cn', 'zh-CN', 'zh-tw', 'zh']) assert.equal(programLocale('python', lang), 'zh-cn', lang);
    for (const lang of ['en', 'en-us', 'de', 'ja', '']) assert.equal(programLocale('python', lang), undefined, lang);
    assert.equal(programLocale('node', 'zh-cn'), undefined, 'no Chinese Node programs');
    assert.deepEqual(shippedProgram('python', 'race.py', 'zh-cn'), ['python', 'zh-cn', 'race.py']);
    assert.deepEqual(shippedProgram('python', 'race.py', 'en'), ['python', 'race.py']);
    assert.deepEqual(shippedProgram('node', 'race.mjs', 'zh-cn'), ['node', 'race.mjs']);
    assert.deepEqual(shippedOriginals('python', 'gil.py'), [['python', 'gil.py'], ['python', 'zh-cn', 'gil.py']]);
    assert.deepEqual(shippedOriginals('node', 'gil.mjs'), [['node', 'gil.mjs']]);
  });
});

describe('is the copy edited?', () => {
  const original = 'import time\n\ndef f():\n    time.sleep(1)\n';

  it('no, when only what an editor does on save differs: line endings, a byte-order mark, trailing blanks', () => {
    assert.equal(isEdited(original, [original]), false);
    assert.equal(isEdited(original.replace(/\n/g, '\r\n'), [original]), false);
    assert.equal(isEdited('\uFEFF' + original, [original]), false);
    assert.equal(isEdited(original.replace('(1)', '(1)   ') + '\n\n', [original]), false);
    assert.equal(normaliseText('a\r\nb\rc  \n\n'), 'a\nb\nc');
  });

  it('no, when it is the original in another language than today’s', () => {
    assert.equal(isEdited('# 中文\n' + original, [original, '# 中文\n' + original]), false);
    assert.equal(isEdited(original, [undefined, original]), false);
  });

  it('yes, for any change to the code, a comment or a printed text', () => {
    assert.equal(isEdited(original.replace('(1)', '(2)'), [original]), true);
    assert.equal(isEdited('# mine\n' + original, [original, '# 中文\n' + original]), true);
    assert.equal(isEdited(original.replace('    time', '\ttime'), [original]), true, 'indentation is code in Python');
    assert.equal(isEdited('', [original]), true);
  });
});

describe('whose copy is this file?', () => {
  const roots = ['/home/me/ws/concurrency-lab', '/home/me/.config/Code/User/globalStorage/concurrency-lab/programs'];

  it('a lesson program in the runtime folder of a learner folder, with its section', () => {
    assert.deepEqual(learnerCopyOf('/home/me/ws/concurrency-lab/python/race.py', roots, path.posix), { runtime: 'python', file: 'race.py', section: 'race-conditions' });
    assert.deepEqual(learnerCopyOf('/home/me/ws/concurrency-lab/node/gil.mjs', roots, path.posix), { runtime: 'node', file: 'gil.mjs', section: 'gil' });
    assert.deepEqual(learnerCopyOf('/home/me/ws/concurrency-lab/python/reentrant.py', roots, path.posix)?.section, 'race-conditions');
    assert.deepEqual(learnerCopyOf(`${roots[1]}/python/download.py`, roots, path.posix)?.section, 'multithreading');
    for (const id of SCENARIO_IDS) assert.ok(learnerCopyOf(`/home/me/ws/concurrency-lab/python/${id}.py`, roots, path.posix), id);
  });

  it('nobody’s: another folder, another runtime’s folder, a helper, a subfolder, an unknown name', () => {
    for (const file of [
      '/home/me/ws/race.py',
      '/home/me/ws/src/python/race.py',
      '/home/me/ws/concurrency-lab/race.py',
      '/home/me/ws/concurrency-lab/node/race.py',
      '/home/me/ws/concurrency-lab/python/race.mjs',
      '/home/me/ws/concurrency-lab/node/common.mjs',
      '/home/me/ws/concurrency-lab/python/old/race.py',
      '/home/me/ws/concurrency-lab/python/race copy.py',
      '/home/me/ws/concurrency-lab/../python/race.py',
      '/home/me/ws/concurrency-lab',
    ]) {
      assert.equal(learnerCopyOf(file, roots, path.posix), undefined, file);
    }
    assert.equal(learnerCopyOf('/home/me/ws/concurrency-lab/python/race.py', [], path.posix), undefined, 'no learner folder');
  });

  it('works with Windows paths, whatever their case', () => {
    const win = ['C:\\Users\\me\\ws\\concurrency-lab'];
    assert.equal(learnerCopyOf('C:\\Users\\me\\ws\\concurrency-lab\\python\\pool.py', win, path.win32)?.section, 'thread-pools');
    assert.equal(learnerCopyOf('c:\\users\\me\\ws\\Concurrency-Lab\\python\\pool.py', win, path.win32)?.section, 'thread-pools');
    assert.equal(learnerCopyOf('D:\\ws\\concurrency-lab\\python\\pool.py', win, path.win32), undefined);
  });
});

describe('a traced file: the change step’s decision', () => {
  const root = '/ws/concurrency-lab';
  const read = (file: string) => readFile(file, 'utf8').catch(() => undefined);
  const judge = (file: string, text: string) => judgeTracedCopy({ file, text, roots: [root], shippedDir: PROGRAMS, read, paths: path.posix });
  const shipped = (...segments: string[]) => readFileSync(path.join(PROGRAMS, ...segments), 'utf8');

  it('an unedited copy, in either language and with Windows line endings: the section, not edited', async () => {
    assert.deepEqual(await judge(`${root}/python/race.py`, shipped('python', 'race.py')), { program: { runtime: 'python', file: 'race.py', section: 'race-conditions' }, edited: false });
    assert.equal((await judge(`${root}/python/race.py`, shipped('python', 'zh-cn', 'race.py').replace(/\n/g, '\r\n')))?.edited, false);
    assert.equal((await judge(`${root}/node/daemon.mjs`, shipped('node', 'daemon.mjs')))?.edited, false);
  });

  it('an edited copy: the section, edited', async () => {
    const edited = shipped('python', 'zh-cn', 'daemon.py').replace('daemon=daemon', 'daemon=False');
    assert.deepEqual(await judge(`${root}/python/daemon.py`, edited), { program: { runtime: 'python', file: 'daemon.py', section: 'daemon-threads' }, edited: true });
    assert.equal((await judge(`${root}/node/pool.mjs`, shipped('node', 'pool.mjs') + '\nconsole.log("mine");\n'))?.edited, true);
    assert.equal((await judge(`${root}/python/reentrant.py`, shipped('python', 'reentrant.py').replace('range(10)', 'range(5)')))?.program.section, 'race-conditions');
  });

  it('any other file: nobody’s copy, edited or not', async () => {
    assert.equal(await judge('/ws/race.py', 'print(1)\n'), undefined);
    assert.equal(await judge('/ws/elsewhere/python/race.py', shipped('python', 'race.py')), undefined);
  });

  it('no original to compare with (a broken install): not edited', async () => {
    const none = await judgeTracedCopy({ file: `${root}/python/gil.py`, text: 'x = 1\n', roots: [root], shippedDir: '/nowhere', read, paths: path.posix });
    assert.deepEqual(none, { program: { runtime: 'python', file: 'gil.py', section: 'gil' }, edited: false });
  });
});

describe('the change step completes on an edited copy only', () => {
  const store = () => {
    const map = new Map<string, unknown>();
    return { get: <T>(k: string) => map.get(k) as T | undefined, update: async (k: string, v: unknown) => void map.set(k, v) };
  };

  it('not from a demo link: completeStep leaves a change step open', async () => {
    const set: string[] = [];
    const progress = new LessonProgress(store(), (key) => void set.push(key));
    await progress.completeStep({ section: 'gil', action: 'change' });
    assert.deepEqual(set, []);
    assert.deepEqual(progress.completedSteps(), []);
    assert.equal(progress.of('gil').changed, undefined);
  });

  it('from an edited copy traced: its key, and the section’s progress', async () => {
    const set: string[] = [];
    const progress = new LessonProgress(store(), (key) => void set.push(key));
    await progress.completeChange('daemon-threads');
    assert.deepEqual(set, ['concurrencyLab.step.daemon-threads.change']);
    assert.deepEqual(progress.completedSteps(), ['concurrencyLab.step.daemon-threads.change']);
    assert.equal(progress.of('daemon-threads').changed, true);
  });
});
