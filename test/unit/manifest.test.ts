/**
 * The walkthroughs as VS Code will read them: package.json's contributes.walkthroughs, the nls
 * strings in both languages, the step markdown and its diagrams, every command: link, the quiz data,
 * and the lesson programs the steps open and describe. Commands and settings are read from
 * package.json at test time, so a link to a command nobody contributes fails here.
 */
import { strict as assert } from 'node:assert';
import { findExample } from '../../src/shared/examples';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SCENARIO_IDS, SCENARIOS, findScenario, validateParams, type SectionId } from '../../src/shared/scenarios';
import { findLevel, SCHEDULER_STEPS } from '../../src/shared/scheduler';
import { parseStep, stepContextKey } from '../../src/extension/lessonProgress';
import { QUIZ_QUESTIONS, QUIZZES } from '../../src/extension/quiz/questions';

/** The repository root: the nearest folder above this file holding the extension's package.json. */
function findRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !/"name": "concurrency-lab"/.test(readFileSync(join(dir, 'package.json'), 'utf8'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json of concurrency-lab not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

const ROOT = findRoot();
const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');
/* eslint-disable @typescript-eslint/no-explicit-any -- package.json is untyped JSON */
const pkg = JSON.parse(read('package.json'));
const nls: Record<'en' | 'zh', Record<string, unknown>> = {
  en: existsSync(join(ROOT, 'package.nls.json')) ? JSON.parse(read('package.nls.json')) : {},
  zh: existsSync(join(ROOT, 'package.nls.zh-cn.json')) ? JSON.parse(read('package.nls.zh-cn.json')) : {},
};
const walkthroughs: any[] = pkg.contributes?.walkthroughs ?? [];
const commands = new Set<string>((pkg.contributes?.commands ?? []).map((c: any) => c.command));
const configurations: any[] = [pkg.contributes?.configuration ?? []].flat();
const settings = new Set<string>(configurations.flatMap((c) => Object.keys(c?.properties ?? {})));
const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`;
const BUILT_IN = new Set(['workbench.action.openSettings', 'workbench.action.openWalkthrough']);
const SECTIONS: SectionId[] = ['threads-processes', 'multithreading', 'daemon-threads', 'race-conditions', 'thread-pools', 'gil'];

/** The text of an nls entry: a plain string or `{ message, comment }`. */
function message(lang: 'en' | 'zh', key: string): string {
  const v = nls[lang][key];
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') return (v as { message: string }).message;
  throw new Error(`${key} is missing or malformed in package.nls${lang === 'zh' ? '.zh-cn' : ''}.json`);
}

/** Steps completed by reaching a scheduler level's goal, not by a link's own `step`. */
const schedulerSteps = Object.values(SCHEDULER_STEPS);
const keyOf = (s: string) => /^%(.+)%$/.exec(s)?.[1];

interface CommandLink {
  where: string;
  command: string;
  args: unknown[];
  raw: string;
}

/** Every `](command:id?args)` in a text; args decoded as VS Code does (an array, or one value). */
function commandLinks(text: string, where: string): CommandLink[] {
  const out: CommandLink[] = [];
  for (const m of text.matchAll(/\]\(command:([\w.-]+)(?:\?([^)\s]*))?\)/g)) {
    let args: unknown[] = [];
    if (m[2] !== undefined) {
      let value: unknown;
      try {
        value = JSON.parse(decodeURIComponent(m[2]));
      } catch (e) {
        throw new Error(`${where}: the arguments of command:${m[1]} are not URI-encoded JSON (${(e as Error).message})`);
      }
      args = Array.isArray(value) ? value : [value];
    }
    out.push({ where, command: m[1], args, raw: m[0] });
  }
  return out;
}

/** Step descriptions in both languages and every step markdown file (both languages). */
function allTexts(): { where: string; text: string }[] {
  const texts: { where: string; text: string }[] = [];
  for (const w of walkthroughs) {
    for (const field of [w.description, ...w.steps.map((s: any) => s.description)]) {
      const key = keyOf(field);
      if (!key) continue;
      for (const lang of ['en', 'zh'] as const) if (key in nls[lang]) texts.push({ where: `${lang}:${key}`, text: message(lang, key) });
    }
    for (const s of w.steps) {
      const md: string | undefined = s.media?.markdown;
      if (!md) continue;
      for (const file of [md, md.replace(/\.md$/, '.nls.zh-cn.md')]) if (existsSync(join(ROOT, file))) texts.push({ where: file, text: read(file) });
    }
  }
  return texts;
}

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Checks one command link against what package.json contributes and what each command accepts. */
function checkLink(link: CommandLink): void {
  const at = `${link.where}: ${link.raw}`;
  assert.ok(commands.has(link.command) || BUILT_IN.has(link.command), `${at} names a command package.json does not contribute`);
  const first = link.args[0];
  const a = asRecord(first);
  if (a.step !== undefined) assert.ok(parseStep(a.step), `${at}: unknown step ${JSON.stringify(a.step)}`);
  switch (link.command) {
    case 'concurrencyLab.runDemo': {
      const scenario = findScenario(String(a.scenario));
      assert.ok(scenario, `${at}: unknown scenario ${JSON.stringify(a.scenario)}`);
      const r = validateParams(scenario, asRecord(a.params));
      assert.ok(r.ok, `${at}: ${r.ok ? '' : r.errors.join('; ')}`);
      if (a.runtime !== undefined) assert.ok(scenario.runtimes.includes(a.runtime as never), `${at}: runtime ${String(a.runtime)}`);
      break;
    }
    case 'concurrencyLab.openProgram': {
      if (a.example !== undefined) {
        const example = findExample(a.example);
        assert.ok(example, `${at}: unknown example`);
        assert.ok(existsSync(join(ROOT, 'media/programs', example.language, example.file)), `${at}: ${example.file} is not shipped`);
        break;
      }
      assert.ok(SCENARIO_IDS.includes(a.scenario as never), `${at}: unknown scenario`);
      assert.ok(a.language === 'python' || a.language === 'node', `${at}: language must be python or node`);
      const file = a.language === 'python' ? `media/programs/python/${String(a.scenario)}.py` : `media/programs/node/${String(a.scenario)}.mjs`;
      assert.ok(existsSync(join(ROOT, file)), `${at}: ${file} does not exist`);
      break;
    }
    case 'concurrencyLab.traceProgram': {
      // [file or null for the editor's, { args?, timeoutSeconds? }]: without args, those the file was given before
      assert.equal(first, null, `${at}: a link traces the program in the editor`);
      const options = asRecord(link.args[1]);
      if (options.args !== undefined) assert.equal(typeof options.args, 'string', `${at}: args is the argument line`);
      if (options.timeoutSeconds !== undefined) assert.ok(Number.isInteger(options.timeoutSeconds) && (options.timeoutSeconds as number) >= 1, `${at}: timeoutSeconds`);
      break;
    }
    case 'concurrencyLab.beTheScheduler':
      assert.ok(findLevel(a.level), `${at}: unknown level ${JSON.stringify(a.level)}`);
      assert.ok(existsSync(join(ROOT, 'media/programs/python/levels', findLevel(a.level)!.file)), `${at}: the level's program is not shipped`);
      break;
    case 'concurrencyLab.runMyProgram':
      assert.ok(SCENARIO_IDS.includes(a.scenario as never), `${at}: unknown scenario`);
      break;
    case 'concurrencyLab.quiz':
      assert.ok(SECTIONS.includes(a.section as SectionId), `${at}: unknown section`);
      break;
    case 'workbench.action.openSettings':
      assert.ok(typeof first === 'string' && settings.has(first), `${at}: opens a setting package.json does not contribute`);
      break;
    case 'workbench.action.openWalkthrough': {
      const [ext, id] = String(first).split('#');
      assert.equal(ext, EXTENSION_ID, at);
      assert.ok(walkthroughs.some((w) => w.id === id), `${at}: no walkthrough ${id}`);
      break;
    }
  }
}

describe('walkthroughs in package.json', () => {
  it('has one walkthrough per lesson section, in lesson order, each with 4 to 8 steps', () => {
    const sections = new Set(SCENARIOS.map((s) => s.section));
    assert.deepEqual([...sections].sort(), [...SECTIONS].sort());
    assert.deepEqual(walkthroughs.map((w) => w.id), SECTIONS);
    for (const w of walkthroughs) {
      assert.ok(w.steps.length >= 4 && w.steps.length <= 8, `${w.id} has ${w.steps.length} steps`);
      assert.equal(new Set(w.steps.map((s: any) => s.id)).size, w.steps.length, `${w.id}: step ids repeat`);
      for (const field of [w.title, w.description, ...w.steps.flatMap((s: any) => [s.title, s.description])]) {
        assert.ok(keyOf(field)?.startsWith('walkthrough.'), `${w.id}: "${field}" should be a %walkthrough.*% key`);
      }
    }
  });

  it('resolves every %key% of package.json in both languages, and both files have the same keys', () => {
    const keys: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') {
        const k = keyOf(v);
        if (k) keys.push(k);
      } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(pkg);
    for (const k of keys) for (const lang of ['en', 'zh'] as const) assert.ok(message(lang, k).trim(), `${k} is empty (${lang})`);
    assert.deepEqual(Object.keys(nls.zh).sort(), Object.keys(nls.en).sort());
  });

  it('warns translators about command links and keeps the same links in Chinese', () => {
    for (const key of Object.keys(nls.en).filter((k) => k.startsWith('walkthrough.'))) {
      const en = message('en', key);
      if (!en.includes('](command:')) continue;
      const entry = nls.en[key] as { comment?: string[] };
      assert.ok(Array.isArray(entry.comment) && entry.comment.join(' ').includes('command:'), `${key} needs a translator comment`);
      const links = (lang: 'en' | 'zh') => commandLinks(message(lang, key), key).map((l) => l.raw.replace(/^\][^(]*/, '')).sort();
      assert.deepEqual(links('zh'), links('en'), `${key}: the Chinese text changes its command links`);
    }
  });

  it('gives every step markdown media with a Chinese twin, and every image it shows exists', () => {
    for (const w of walkthroughs) {
      for (const s of w.steps) {
        const md: string = s.media?.markdown;
        assert.ok(md, `${s.id} has no markdown media`);
        assert.ok(md.startsWith(`walkthroughs/${w.id}/`), `${s.id}: media belongs in walkthroughs/${w.id}/`);
        const twin = md.replace(/\.md$/, '.nls.zh-cn.md');
        for (const file of [md, twin]) {
          assert.ok(existsSync(join(ROOT, file)), `${file} does not exist`);
          const text = read(file);
          assert.match(text, /^# \S/, `${file} should start with a heading`);
          for (const m of text.matchAll(/!\[([^\]]*)\]\(([^)\s]+)\)/g)) {
            assert.ok(m[1].trim().length > 10, `${file}: image ${m[2]} needs a real description as alt text`);
            assert.ok(existsSync(resolve(ROOT, dirname(file), m[2])), `${file}: image ${m[2]} does not exist`);
          }
        }
        const images = (file: string) => [...read(file).matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
        assert.deepEqual(images(twin), images(md), `${twin} shows other images than ${md}`);
      }
      assert.ok(/!\[/.test(read(w.steps[0].media.markdown)), `${w.id}: the first step should show a diagram`);
    }
  });

  it('draws diagrams without words or style sheets, coloured from the theme', () => {
    const svgs = new Set<string>();
    for (const w of walkthroughs) {
      for (const s of w.steps) {
        const md = s.media.markdown as string;
        for (const m of read(md).matchAll(/!\[[^\]]*\]\(([^)\s]+\.svg)\)/g)) svgs.add(resolve(ROOT, dirname(md), m[1]));
      }
    }
    assert.ok(svgs.size >= 6, 'expected a diagram per section');
    for (const file of svgs) {
      const svg = readFileSync(file, 'utf8');
      assert.ok(!/<(text|style|script|foreignObject|image)\b/i.test(svg), `${file}: no text, style sheets, scripts or raster images`);
      assert.match(svg, /viewBox="/, `${file} needs a viewBox`);
      for (const m of svg.matchAll(/\b(fill|stroke)="([^"]*)"/g)) {
        assert.ok(/^(var\(--vscode-[\w-]+, ?(#[0-9a-f]{3,8}|transparent)\)|none|transparent|url\(#[\w-]+\))$/i.test(m[2]), `${file}: ${m[1]}="${m[2]}" is not themed`);
      }
    }
  });

  it('links only to contributed commands, with arguments each command accepts', () => {
    const links = allTexts().flatMap((t) => commandLinks(t.text, t.where));
    assert.ok(links.length > 50, `only ${links.length} command links found`);
    links.forEach(checkLink);
  });

  it('completes each step on its own context key, or on being read', () => {
    for (const w of walkthroughs) {
      for (const s of w.steps) {
        assert.equal(s.completionEvents?.length, 1, `${s.id}: one completion event`);
        const [ev] = s.completionEvents;
        if (ev === 'onStepSelected') continue;
        if (schedulerSteps.includes(s.id)) {
          assert.equal(ev, `onContext:concurrencyLab.step.${s.id}`, `${s.id}: completes on another step's key`);
          continue;
        }
        const step = parseStep(s.id);
        assert.ok(step, `${s.id}: only open, run, change and quiz steps are completed by the extension`);
        assert.equal(ev, `onContext:${stepContextKey(step)}`, `${s.id}: completes on another step's key`);
      }
    }
  });

  it('never lets two steps share a completion event, except onStepSelected', () => {
    const seen = new Map<string, string>();
    for (const s of walkthroughs.flatMap((w) => w.steps)) {
      for (const ev of s.completionEvents ?? []) {
        if (ev === 'onStepSelected') continue;
        assert.ok(!seen.has(ev), `${s.id} and ${seen.get(ev)} both complete on ${ev}`);
        seen.set(ev, s.id);
      }
    }
    assert.ok(seen.size >= 24, `only ${seen.size} steps complete on an action`);
  });

  it('passes its own step in every link that can complete it, so one click ticks one step', () => {
    const own = ['concurrencyLab.runDemo', 'concurrencyLab.openProgram', 'concurrencyLab.runMyProgram', 'concurrencyLab.quiz'];
    for (const w of walkthroughs) {
      for (const s of w.steps) {
        for (const lang of ['en', 'zh'] as const) {
          if (schedulerSteps.includes(s.id)) {
            // Completed by the goal of the level its link opens.
            const level = Object.keys(SCHEDULER_STEPS).find((id) => SCHEDULER_STEPS[id] === s.id);
            const opens = commandLinks(message(lang, keyOf(s.description)!), `${lang}:${s.id}`).filter((l) => l.command === 'concurrencyLab.beTheScheduler' && asRecord(l.args[0]).level === level);
            assert.ok(opens.length > 0, `${lang}:${s.id} has no link to its level ${String(level)}`);
            continue;
          }
          const links = commandLinks(message(lang, keyOf(s.description)!), `${lang}:${s.id}`).filter((l) => own.includes(l.command));
          for (const l of links) assert.equal(asRecord(l.args[0]).step, s.id, `${l.where}: ${l.raw} does not say it comes from ${s.id}`);
          if (s.completionEvents[0] !== 'onStepSelected') assert.ok(links.length > 0, `${lang}:${s.id} has no link that can complete it`);
        }
      }
    }
  });

  it('asks in every "change one thing" step to edit the copy and trace it, the action that completes it', () => {
    for (const w of walkthroughs) {
      const s = w.steps.find((x: any) => x.id === `${w.id}.change`);
      assert.ok(s, `${w.id}: no change step`);
      const md: string = s.media.markdown;
      const texts = [
        { where: `en:${s.id}`, text: message('en', keyOf(s.description)!) },
        { where: `zh:${s.id}`, text: message('zh', keyOf(s.description)!) },
        { where: md, text: read(md) },
        { where: md.replace(/\.md$/, '.nls.zh-cn.md'), text: read(md.replace(/\.md$/, '.nls.zh-cn.md')) },
      ];
      for (const { where, text } of texts) {
        assert.ok(commandLinks(text, where).some((l) => l.command === 'concurrencyLab.traceProgram'), `${where}: no Trace This Program link`);
        assert.doesNotMatch(text, /Run your edited version|运行你修改的版本/, `${where}: the change is traced now, not run as a demo`);
      }
      assert.match(texts[2].text, /\*\*Trace This Program\*\*[\s\S]*run menu[\s\S]*Command Palette/, `${md}: where to find the command`);
      assert.match(texts[3].text, /\*\*跟踪此程序\*\*[\s\S]*运行菜单[\s\S]*命令面板/, `${md} (zh): where to find the command`);
      assert.match(texts[2].text, /ticked when you trace a copy you have edited/);
      assert.match(texts[3].text, /跟踪一次你改过的副本，这一步就会打勾/);
    }
  });

  it('follows the step pattern: open, run, change, check yourself, then the next section', () => {
    walkthroughs.forEach((w, i) => {
      const scenario = SCENARIOS.find((s) => s.section === w.id)!;
      const steps = w.steps.map((s: any) => ({ ...s, en: message('en', keyOf(s.description)!), zh: message('zh', keyOf(s.description)!) }));
      const linksOf = (s: any) => commandLinks(s.en, s.id);
      const arg = (l: CommandLink) => asRecord(l.args[0]);
      const open = steps.find((s: any) => linksOf(s).some((l) => l.command === 'concurrencyLab.openProgram'));
      assert.ok(open, `${w.id}: no step opens the program`);
      const opened = linksOf(open).filter((l) => l.command === 'concurrencyLab.openProgram').map((l) => `${arg(l).scenario}/${arg(l).language}`);
      assert.deepEqual(opened.sort(), [`${scenario.id}/node`, `${scenario.id}/python`]);
      const mine = steps.find((s: any) => linksOf(s).some((l) => l.command === 'concurrencyLab.runMyProgram'));
      assert.ok(mine, `${w.id}: no "run your edited version" link`);
      assert.match(mine.en, /trusted workspace/i);
      assert.match(mine.zh, /受信任/);
      const runs = steps.filter((s: any) => /\.(run|change)$/.test(s.id));
      assert.equal(runs.length, 2, `${w.id}: a run step and a change step`);
      for (const s of runs) {
        const demo = linksOf(s).filter((l) => l.command === 'concurrencyLab.runDemo');
        assert.ok(demo.length > 0 && demo.every((l) => arg(l).scenario === scenario.id), `${s.id} runs another scenario`);
      }
      if (w.id === 'race-conditions') assert.ok(linksOf(steps.find((s: any) => s.id === 'race-conditions.change')).some((l) => l.command === 'workbench.action.openSettings'));
      const last = steps[steps.length - 1];
      assert.deepEqual(last.completionEvents, [`onContext:concurrencyLab.step.${w.id}.quiz`]);
      assert.ok(linksOf(last).some((l) => l.command === 'concurrencyLab.quiz' && arg(l).section === w.id), `${w.id}: last step should open its quiz`);
      const next = walkthroughs[i + 1];
      if (next) assert.ok(linksOf(last).some((l) => l.command === 'workbench.action.openWalkthrough' && l.args[0] === `${EXTENSION_ID}#${next.id}`), `${w.id}: last step should link to ${next.id}`);
      assert.match(message('en', keyOf(w.description)!), /^Afterwards you can /, `${w.id}: say what the learner will be able to do`);
      assert.match(message('zh', keyOf(w.description)!), /^学完这一节，你能/);
    });
  });
});

describe('quiz questions', () => {
  it('asks 2 to 4 questions per section, each with one right choice and a reason for every choice, in both languages', () => {
    for (const section of SECTIONS) {
      const qs = QUIZZES[section];
      assert.ok(qs.length >= 2 && qs.length <= 4, `${section}: ${qs.length} questions`);
      for (const q of qs) {
        assert.ok(q.prompt.en.trim() && q.prompt['zh-cn'].trim(), `${section}: empty prompt`);
        assert.ok(/\p{Script=Han}/u.test(q.prompt['zh-cn']), `${section}: "${q.prompt.en}" has no Chinese prompt`);
        assert.equal(q.choices.filter((c) => c.correct).length, 1, `${section}: "${q.prompt.en}" needs exactly one right choice`);
        assert.ok(q.choices.length >= 3, `${section}: "${q.prompt.en}" needs at least two wrong choices`);
        for (const c of q.choices) {
          assert.ok(c.text.en.trim() && c.text['zh-cn'].trim(), `${section}: empty choice`);
          assert.ok(c.explanation.en.trim().length > 20 && /\p{Script=Han}/u.test(c.explanation['zh-cn']), `${section}: "${c.text.en}" needs an explanation in both languages`);
        }
        assert.equal(new Set(q.choices.map((c) => c.text.en)).size, q.choices.length, `${section}: repeated choice`);
      }
    }
    assert.equal(QUIZ_QUESTIONS.length, SECTIONS.reduce((n, s) => n + QUIZZES[s].length, 0));
    assert.ok(QUIZ_QUESTIONS.every((q) => SECTIONS.includes(q.section)));
  });
});

describe('Trace This Program in package.json', () => {
  const TRACE = ['concurrencyLab.traceProgram', 'concurrencyLab.traceProgramWithArgs'];
  const menus: Record<string, any[]> = pkg.contributes?.menus ?? {};
  const entries = (menu: string) => (menus[menu] ?? []).filter((m) => TRACE.includes(m.command));
  /** The file-name regex of a when clause (`resourceExtname =~ /…/flags`), as VS Code evaluates it. */
  const extRegex = (when: string) => {
    const m = /resourceExtname =~ \/(.+?)\/([a-z]*)(?: |$)/.exec(when);
    assert.ok(m, `no resourceExtname test in "${when}"`);
    return new RegExp(m[1], m[2]);
  };

  it('contributes both commands, titled in both languages', () => {
    for (const id of TRACE) {
      const c = (pkg.contributes.commands as any[]).find((x) => x.command === id);
      assert.ok(c, `${id} is not contributed`);
      assert.equal(c.category, 'Concurrency Lab');
      const key = keyOf(c.title);
      assert.ok(key, `${id}: the title should be a %key%`);
      assert.ok(/\p{Script=Han}/u.test(message('zh', key)), `${id}: no Chinese title`);
    }
    assert.match(message('en', 'command.traceProgram'), /^Trace This Program$/);
  });

  it('is in the run menu of the editor title, the editor and explorer context menus: trusted workspaces and program files only', () => {
    for (const menu of ['editor/title/run', 'editor/context', 'explorer/context']) {
      assert.deepEqual(entries(menu).map((m) => m.command).sort(), [...TRACE].sort(), `${menu} lists both commands`);
      for (const m of entries(menu)) {
        assert.match(m.when, /(^| )isWorkspaceTrusted( |$)/, `${menu}: ${m.command} must be hidden in Restricted Mode`);
        const re = extRegex(m.when);
        for (const ext of ['.py', '.mjs', '.js', '.cjs', '.PY']) assert.ok(re.test(ext), `${menu}: ${ext} should match ${re}`);
        for (const ext of ['.pyc', '.ts', '.md', '', '.json', '.py.bak']) assert.ok(!re.test(ext), `${menu}: ${ext} should not match ${re}`);
      }
      const plain = entries(menu).find((m) => m.command === TRACE[0]);
      assert.equal(plain?.alt, TRACE[1], `${menu}: Alt switches to the command that asks for arguments`);
    }
    assert.ok(entries('explorer/context').every((m) => /!explorerResourceIsFolder/.test(m.when)), 'not on folders');
  });

  it('stays in the palette in Restricted Mode, where it says why it is off', () => {
    for (const m of entries('commandPalette')) {
      assert.doesNotMatch(m.when, /isWorkspaceTrusted/);
      assert.ok(extRegex(m.when).test('.py'));
    }
  });

  it('reads program arguments from a per-folder setting, documented in both languages', () => {
    const setting = configurations.flatMap((c) => Object.entries(c?.properties ?? {})).find(([k]) => k === 'concurrencyLab.programArgs')?.[1] as any;
    assert.ok(setting, 'concurrencyLab.programArgs is not contributed');
    assert.equal(setting.type, 'string');
    assert.equal(setting.default, '');
    assert.equal(setting.scope, 'resource');
    assert.match(message('en', keyOf(setting.markdownDescription)!), /Trace This Program/);
    assert.match(message('zh', keyOf(setting.markdownDescription)!), /跟踪此程序/);
  });

  it('keeps activation lazy: commands activate the extension by themselves', () => {
    assert.ok(!(pkg.activationEvents as string[]).some((e) => e === '*' || e.startsWith('onStartupFinished') || e.startsWith('onLanguage')));
  });
});

// ---------------------------------------------------------------------------------------------
// The programs: run each one as a learner would (no tracer attached) and check that it prints what
// its "Run it" step shows. Only the shape is checked, never timings. Every Python pattern must also
// match the sample output in that walkthrough's run.md, so the step and the program stay in step.

interface Expectation {
  patterns: RegExp[];
  /** Extra checks on the whole output. */
  check?: (out: string) => void;
}

const SECTION_OF: Record<string, SectionId> = Object.fromEntries(SCENARIOS.map((s) => [s.id, s.section]));
const after = (out: string, line: string) => out.slice(out.indexOf(line) + line.length).trim().split('\n');

const PYTHON: Record<string, Expectation> = {
  parallel: {
    patterns: [
      /^\d+ CPU core\(s\) on this machine$/m,
      /^== Sequential: \d+ task\(s\) one after another ==$/m,
      /^== Threads: \d+ task\(s\) at once ==$/m,
      /^== Processes: \d+ task\(s\) at once ==$/m,
      /^Threads: \d+\.\d{3} s \(\d+\.\d{3} s to start\), \d+\.\d{2} cores busy while the tasks ran -> \w/m,
      /^Processes: \d+\.\d{3} s \(\d+\.\d{3} s to start\), \d+\.\d{2} cores busy while the tasks ran -> \w/m,
    ],
  },
  download: {
    patterns: [/^== Sequential ==$/m, /^== Thread\(target=…\) ==$/m, /^Start downloading .+\.$/m, /^.+ downloaded in \d+\.\d{3} s\.$/m, /^Total: \d+\.\d{3} s$/m],
    check: (out) => {
      assert.match(out, /^== Thread subclass ==$/m);
      // The step says: in the threaded variants every download starts before any finishes.
      for (const title of ['== Thread(target=…) ==', '== Thread subclass ==']) {
        // (Threads may print into each other's lines, so count the starts, not the lines.)
        const section = after(out, title).join('\n');
        const starts = section.slice(0, section.indexOf(' downloaded in ')).split('Start downloading').length - 1;
        assert.equal(starts, 3, `${title}: ${section}`);
      }
    },
  },
  daemon: {
    patterns: [
      /^== daemon=True ==$/m,
      /^== daemon=False ==$/m,
      /^(Ping|Pong)+…?$/m,
      /^Main thread ends: the daemon threads end with it\./m,
      /^Main thread ends: the interpreter waits for the non-daemon threads\.\.\./m,
      /^Program ran for \d+\.\d+ s$/m,
    ],
    check: (out) => {
      // Daemon printers stop with the main thread (one last word may slip out as it ends);
      // non-daemon ones keep printing after it.
      const cut = out.indexOf('daemon threads end with it.');
      const leftover = out.slice(cut, out.indexOf('Program ran for', cut)).replace('daemon threads end with it.', '').trim();
      assert.ok(leftover.length <= 8, `daemon printers kept printing after the main thread ended: ${leftover}`);
      assert.match(after(out, 'non-daemon threads...').join('\n').split('Program ran for')[0], /(Ping|Pong){2}/);
    },
  },
  race: {
    patterns: [/^== Without a lock ==$/m, /^== With a lock ==$/m, /^Balance: \d+ \(expected 100\)$/m, /^Time: \d+\.\d+ s$/m],
    check: (out) => {
      const balances = [...out.matchAll(/^Balance: (\d+) \(expected 100\)$/gm)].map((m) => Number(m[1]));
      assert.equal(balances.length, 2);
      assert.ok(balances[0] < 100, `without a lock the balance should fall short of 100, got ${balances[0]}`);
      assert.equal(balances[1], 100, 'with the lock the balance is exact');
    },
  },
  pool: {
    patterns: [/^== Pool of 1 ==$/m, /^== Pool of 8 ==$/m, /^task \d+ done in \d+\.\d{3} s$/m, /^Total: \d+\.\d{3} s with 1 thread\(s\)$/m, /^Total: \d+\.\d{3} s with 8 thread\(s\)$/m],
    check: (out) => assert.equal(out.match(/^task \d+ done in/gm)?.length, 8 * 4, 'eight tasks per pool, four pools'),
  },
  gil: {
    patterns: [
      /^Python \d+\.\d+\.\d+\S*, GIL enabled: (True|False), switch interval: \d+\.\d ms$/m,
      /^== Sequential: \d+ task\(s\) ==$/m,
      /^== Threads: \d+ task\(s\) ==$/m,
      /^== Processes: \d+ task\(s\) ==$/m,
      /^task \d+: \d+\.\d{3} s$/m,
      /^Threads: \d+\.\d{3} s, \d+\.\d{2}x sequential$/m,
      /^Processes: \d+\.\d{3} s, \d+\.\d{2}x sequential$/m,
    ],
  },
};

const NODE: Record<string, Expectation> = {
  parallel: { patterns: [/^\[sequential\] /m, /^\[workers\] /m, /^\[processes\] /m, /\d+\.\d{3} s/] },
  gil: { patterns: [/^\[sequential\] /m, /^\[workers\] /m, /^\[processes\] /m, /no global interpreter lock/i] },
  download: { patterns: [/^== Sequential ==$/m, /^Start downloading .+\.$/m, /downloaded in \d+\.\d{3} s\.$/m, /^Total: \d+\.\d{3} s/m] },
  daemon: { patterns: [/Ping|Pong/] },
  race: {
    patterns: [/^== Without a lock ==$/m, /^== With a lock ==$/m, /^Balance: \d+ \(expected 100\)$/m],
    check: (out) => assert.match(after(out, '== With a lock ==').join('\n'), /^Balance: 100 \(expected 100\)$/m),
  },
  pool: { patterns: [/^== Pool of 1 ==$/m, /^== Pool of 8 ==$/m, /task \d+ done/] },
};

function runProgram(command: string, args: string[], cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONUNBUFFERED: '1' };
    delete env.CLAB_TRACE; // run as a plain lesson program
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out: out.replace(/\r\n/g, '\n'), err });
    });
  });
}

/** The sample output blocks of a step's markdown, in both languages. */
function sampleOutput(section: SectionId): string {
  const md = read(`walkthroughs/${section}/run.md`) + '\n' + read(`walkthroughs/${section}/run.nls.zh-cn.md`);
  return [...md.matchAll(/```text\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
}

describe('lesson programs print what their steps say', function () {
  this.timeout(180_000);
  const python = process.env.PYTHON ?? 'python3';

  for (const scenario of SCENARIO_IDS) {
    it(`python ${scenario}.py`, async () => {
      const file = join(ROOT, 'media/programs/python', `${scenario}.py`);
      assert.ok(existsSync(file), `${file} does not exist`);
      const r = await runProgram(python, [file, '--scale', '0.2'], dirname(file));
      assert.equal(r.code, 0, `exit code ${r.code}\n${r.err}`);
      const sample = sampleOutput(SECTION_OF[scenario]);
      for (const p of PYTHON[scenario].patterns) {
        assert.match(r.out, p, `the program's output lacks ${p}`);
        assert.match(sample, p, `the run step's sample output lacks ${p}`);
      }
      PYTHON[scenario].check?.(r.out);
    });

    it(`node ${scenario}.mjs`, async () => {
      const file = join(ROOT, 'media/programs/node', `${scenario}.mjs`);
      assert.ok(existsSync(file), `${file} does not exist`);
      const r = await runProgram(process.execPath, [file, '--scale', '0.2'], dirname(file));
      assert.equal(r.code, 0, `exit code ${r.code}\n${r.err}`);
      for (const p of NODE[scenario].patterns) assert.match(r.out, p, `the program's output lacks ${p}`);
      NODE[scenario].check?.(r.out);
    });
  }
});
