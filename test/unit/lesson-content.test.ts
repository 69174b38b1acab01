/**
 * The lesson's facts as the walkthroughs and the quiz state them, checked against what was
 * measured (see the walkthrough texts): the race's 7 and why, no "it changes every run", the
 * `__main__` guard wherever an excerpt starts processes, the start methods, RLock versus Lock, the
 * GIL's switch interval and free-threaded build, one change per "change" link.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { QUIZZES } from '../../src/extension/quiz/questions';
import { findScenario, type SectionId } from '../../src/shared/scenarios';

const ROOT = resolve(__dirname, '../../..');
const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');
/* eslint-disable @typescript-eslint/no-explicit-any -- package.json is untyped JSON */
const pkg = JSON.parse(read('package.json'));
const walkthroughs: any[] = pkg.contributes.walkthroughs;
const commands = new Set<string>(pkg.contributes.commands.map((c: any) => c.command));
const BUILT_IN = new Set(['workbench.action.openSettings', 'workbench.action.openWalkthrough']);
const nls = { en: JSON.parse(read('package.nls.json')), zh: JSON.parse(read('package.nls.zh-cn.json')) } as Record<'en' | 'zh', Record<string, any>>;
const message = (lang: 'en' | 'zh', key: string): string => (typeof nls[lang][key] === 'string' ? nls[lang][key] : nls[lang][key].message);
const keyOf = (s: string) => /^%(.+)%$/.exec(s)![1];

/** Both languages of a step's markdown. */
function stepMarkdown(section: string): { file: string; text: string }[] {
  const dir = join(ROOT, 'walkthroughs', section);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => ({ file: `walkthroughs/${section}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

const allMarkdown = () => walkthroughs.flatMap((w) => stepMarkdown(w.id));

/** The race texts a learner reads: its step pages, its step descriptions, and the quiz's right answers. */
function raceTexts(): { where: string; text: string }[] {
  const w = walkthroughs.find((x) => x.id === 'race-conditions');
  const descriptions = w.steps.flatMap((s: any) =>
    (['en', 'zh'] as const).map((lang) => ({ where: `${lang}:${s.id}`, text: message(lang, keyOf(s.description)) })),
  );
  // A wrong choice may state the myth on purpose; the prompt, the right answer and every explanation may not.
  const quiz = QUIZZES['race-conditions'].map((q) => ({
    where: `quiz: ${q.prompt.en}`,
    text: [q.prompt, ...q.choices.filter((c) => c.correct).map((c) => c.text), ...q.choices.map((c) => c.explanation)].flatMap((t) => [t.en, t['zh-cn']]).join('\n'),
  }));
  return [...stepMarkdown('race-conditions').map((m) => ({ where: m.file, text: m.text })), ...descriptions, ...quiz];
}

describe('lesson content', () => {
  it('never says the race result changes every run (en and zh)', () => {
    const myths = [
      /changes? (from )?(every|each) run/i,
      /the number changes/i,
      /varies from run to run/i,
      /different (from run to run|every run|each run)/i,
      /mark of a race/i,
      /每次(运行)?(结果|的数字)?都(可能)?(不一样|不同|在变)/,
      /数字都在变/,
      /资源竞争的特征/,
    ];
    for (const { where, text } of raceTexts()) for (const myth of myths) assert.doesNotMatch(text, myth, `${where} says the race wobbles`);
  });

  it('explains the 7: 16 workers, 100 deposits, 7 rounds; 25 with 4 workers and 100 with 1', () => {
    for (const file of ['walkthroughs/race-conditions/run.md', 'walkthroughs/race-conditions/run.nls.zh-cn.md']) {
      const text = read(file);
      assert.match(text, /\*\*7\*\*/, `${file}: the result 7`);
      assert.match(text, /⌈100 ÷ 16⌉ = 7/, `${file}: the rounds`);
      assert.match(text, /16/);
      assert.match(text, /25/, `${file}: 25 with 4 workers`);
      assert.match(text, /100 \(no one|100（没有谁/, `${file}: 100 with 1 worker`);
    }
  });

  it('has an honest "take the pause out" experiment: usually no lost update on 3.10+, and why', () => {
    const en = read('walkthroughs/race-conditions/change.md');
    const zh = read('walkthroughs/race-conditions/change.nls.zh-cn.md');
    assert.match(en, /Take the pause out/);
    assert.match(en, /3\.10/);
    assert.match(en, /certain points in the bytecode/);
    assert.match(en, /any I\/O/);
    assert.match(zh, /去掉停顿/);
    assert.match(zh, /3\.10/);
    assert.match(zh, /字节码/);
    for (const text of [read('walkthroughs/race-conditions/learn.md'), read('walkthroughs/race-conditions/learn.nls.zh-cn.md')]) {
      assert.doesNotMatch(text, /once in thousands|几千次运行才出现一次/, 'the old claim about runs without the pause');
    }
  });

  it('guards every excerpt that starts processes with if __name__ == __main__', () => {
    const starts = /\bProcess\(|ProcessPoolExecutor\(|\bPool\(|get_context\(|\.fork\(/;
    let excerpts = 0;
    for (const { file, text } of allMarkdown()) {
      for (const m of text.matchAll(/```python\n([\s\S]*?)```/g)) {
        if (!starts.test(m[1])) continue;
        excerpts++;
        assert.match(m[1], /^if __name__ == '__main__':/m, `${file}: an excerpt starts processes without the guard:\n${m[1]}`);
      }
    }
    assert.ok(excerpts >= 4, `only ${excerpts} excerpts start processes (expected those of sections 1 and 6, in both languages)`);
  });

  it('has one step on the start methods: fork, spawn, forkserver and the defaults by system and version', () => {
    const step = walkthroughs.flatMap((w) => w.steps).find((s: any) => /start-methods/.test(s.id));
    assert.ok(step, 'no start-methods step');
    for (const file of [step.media.markdown, step.media.markdown.replace(/\.md$/, '.nls.zh-cn.md')]) {
      const text = read(file);
      for (const word of ['fork', 'spawn', 'forkserver', '3.13', '3.14', 'macOS', 'Windows', "if __name__ == '__main__':", 'RuntimeError']) {
        assert.ok(text.includes(word), `${file} does not mention ${word}`);
      }
    }
  });

  it('describes 4 processes on 2 cores as the trace shows it: all take turns, waiting for a core', () => {
    const en = read('walkthroughs/threads-processes/change.md');
    const zh = read('walkthroughs/threads-processes/change.nls.zh-cn.md');
    assert.doesNotMatch(en, /two run while the other two wait/);
    assert.doesNotMatch(zh, /两个在运行，另外两个在等待/);
    assert.match(en, /all four lanes get turns/);
    assert.match(en, /waiting for a CPU core/);
    assert.match(zh, /等待 CPU 核心/);
  });

  it('does not say extra pool workers only wait: for waiting tasks the biggest pool was fastest', () => {
    for (const { file, text } of allMarkdown()) assert.doesNotMatch(text, /more workers than tasks or cores only wait|多于任务数或核数时只会空等/, file);
    assert.match(read('walkthroughs/thread-pools/change.md'), /fastest even on a 2-core machine/);
    assert.match(read('walkthroughs/thread-pools/change.nls.zh-cn.md'), /即使在 2 核机器上，16 个线程的池也是最快的/);
  });

  it('shows RLock against Lock correctly: re-entering a Lock deadlocks, an RLock allows it', () => {
    for (const [file, deadlock] of [
      ['walkthroughs/race-conditions/open.md', /deadlock/],
      ['walkthroughs/race-conditions/open.nls.zh-cn.md', /死锁/],
    ] as const) {
      const text = read(file);
      assert.match(text, deadlock, `${file}: what a Lock does when re-entered`);
      assert.match(text, /RLock\(\)/, `${file}: an RLock in a program`);
    }
    const rlock = QUIZZES['race-conditions'].find((q) => /RLock/.test(q.prompt.en))!;
    const right = rlock.choices.find((c) => c.correct)!;
    assert.match(right.text.en, /again by the thread that already holds it/);
    assert.match(right.explanation.en, /deadlocks/);
  });

  it('states the GIL facts of today: 5 ms switch interval since 3.2, the free-threaded build', () => {
    const learn = read('walkthroughs/gil/learn.md') + read('walkthroughs/gil/learn.nls.zh-cn.md');
    assert.match(learn, /3\.2/);
    assert.match(learn, /5 ms|5 毫秒/);
    assert.match(learn, /getswitchinterval/);
    const beyond = read('walkthroughs/gil/beyond.md') + read('walkthroughs/gil/beyond.nls.zh-cn.md');
    assert.match(beyond, /python3\.13t/);
    assert.match(beyond, /_is_gil_enabled/);
    const quiz = JSON.stringify(QUIZZES.gil);
    assert.match(quiz, /python3\.13t/);
    assert.match(quiz, /5 ms/);
  });

  it('changes exactly one parameter in every run link of a change step', () => {
    for (const w of walkthroughs) {
      for (const s of w.steps.filter((x: any) => x.id.endsWith('.change'))) {
        const text = message('en', keyOf(s.description));
        const links = [...text.matchAll(/\]\(command:concurrencyLab\.runDemo\?([^)\s]+)\)/g)].map((m) => JSON.parse(decodeURIComponent(m[1])));
        assert.ok(links.length > 0, `${s.id} runs nothing`);
        const scenario = findScenario(links[0].scenario)!;
        const changed = links.map((a) => Object.entries(a.params ?? {}).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify((scenario.defaults as any)[k])));
        // A change step's links each change one thing; "run again" (no change) may sit beside them after a setting changed.
        for (const [i, c] of changed.entries()) assert.ok(c.length === 1 || (c.length === 0 && w.id === 'race-conditions'), `${s.id} link ${i} changes ${c.map(([k]) => k).join(', ') || 'nothing'}`);
      }
    }
  });

  it('has every step markdown in both languages, and every command link names a contributed command', () => {
    for (const w of walkthroughs) {
      for (const s of w.steps) {
        for (const file of [s.media.markdown, s.media.markdown.replace(/\.md$/, '.nls.zh-cn.md')]) assert.ok(existsSync(join(ROOT, file)), `${file} is missing`);
      }
    }
    const texts = [
      ...allMarkdown(),
      ...walkthroughs.flatMap((w) => w.steps.flatMap((s: any) => (['en', 'zh'] as const).map((lang) => ({ file: `${lang}:${s.id}`, text: message(lang, keyOf(s.description)) })))),
    ];
    let links = 0;
    for (const { file, text } of texts) {
      for (const m of text.matchAll(/command:([\w.-]+)/g)) {
        links++;
        assert.ok(commands.has(m[1]) || BUILT_IN.has(m[1]), `${file}: command:${m[1]} is not declared in package.json`);
      }
    }
    assert.ok(links > 50, `only ${links} command links`);
  });

  it('keeps the state names of the trace: a join wait is not a lock wait', () => {
    for (const section of ['multithreading', 'race-conditions'] as SectionId[]) {
      const en = read(`walkthroughs/${section}/read.md`);
      assert.match(en, /waiting for a thread or task to finish \(join\)/, section);
      assert.doesNotMatch(en, /join[^.]*\bwaiting for a lock\b/i, `${section}: a join drawn as a lock wait`);
    }
  });
});
