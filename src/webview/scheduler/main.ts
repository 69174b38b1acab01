/**
 * The scheduler panel: the learner picks which thread runs its next step. Shows the program with
 * each thread's next line marked, each thread's state and locals, the watched shared values, the
 * step log with what each step read and wrote, and how the run ended (the lost update named, the
 * deadlock's cycle). Every message from the extension is checked first. Keys 1–9 step thread 1–9.
 */
import './scheduler.css';
import { findLevel, goalReached, LEVELS, lostUpdates, scheduleOf, type EndMessage, type HelloMessage, type LogEntry, type OutputPiece, type SchedulerLevel, type StateMessage, type SummaryMessage } from '../../shared/scheduler';
import { parseToSchedulerView, type FromSchedulerView, type ToSchedulerView } from '../../shared/schedulerProtocol';
import { renderCycleDiagram } from '../cycleDiagram';
import { el } from '../dom';
import { vscodeApi } from '../host';
import { Texts } from '../i18n';
import { endText, goalText, levelTask, levelTitle, lostText, stepText, summaryText, threadState } from './words';

interface Saved {
  /** Per level: the schedule that reached its goal, to replay after a reload. */
  found: Record<string, string[]>;
}

class SchedulerApp {
  private readonly api = vscodeApi();
  private texts = new Texts();
  private level: SchedulerLevel = LEVELS[0];
  private bytecode = false;
  private run = 0;
  private hello: HelloMessage | undefined;
  private file = '';
  private state: StateMessage | undefined;
  private log: LogEntry[] = [];
  private output: OutputPiece[] = [];
  private end: EndMessage | undefined;
  private summary: SummaryMessage | undefined;
  private error = '';
  private unavailable: string | undefined;
  private busy = '';
  private saved: Saved = { found: {} };
  /** The thread whose step button had focus, so a re-render keeps it. */
  private focusThread: string | undefined;

  constructor(private readonly root: HTMLElement) {
    const s = this.api.getState() as Partial<Saved> | undefined;
    if (s && typeof s.found === 'object' && s.found !== null) {
      for (const [k, v] of Object.entries(s.found)) if (findLevel(k) && Array.isArray(v) && v.every((x) => typeof x === 'string')) this.saved.found[k] = v;
    }
    window.addEventListener('message', (e: MessageEvent) => this.receive(e.data));
    document.addEventListener('keydown', (e) => this.key(e));
    this.render();
    this.post({ type: 'ready' });
  }

  private t = (key: string, ...args: (string | number)[]): string => this.texts.t(key, ...args);

  private post(m: FromSchedulerView): void {
    this.api.postMessage(m);
  }

  private receive(raw: unknown): void {
    const parsed = parseToSchedulerView(raw);
    if (!parsed.ok) return;
    this.handle(parsed.value);
    this.render();
  }

  private handle(m: ToSchedulerView): void {
    switch (m.type) {
      case 'init':
        this.texts = new Texts(m.strings, m.locale);
        this.unavailable = m.unavailable;
        this.level = findLevel(m.level) ?? LEVELS[0];
        this.bytecode = this.level.bytecode;
        this.start();
        return;
      case 'started':
        if (m.run < this.run) return;
        this.run = m.run;
        this.hello = m.hello;
        this.file = m.file;
        this.busy = '';
        return;
      case 'state':
        if (m.run !== this.run) return;
        this.state = m.state;
        this.error = ''; // a refused step is past once the run moves on
        this.log.push(...m.state.log);
        this.output.push(...m.state.output);
        if (m.state.status !== 'running' && goalReached(this.level, m.state)) {
          this.saved.found[this.level.id] = scheduleOf(this.log);
          this.api.setState(this.saved);
        }
        return;
      case 'end':
        if (m.run === this.run) this.end = m.end;
        return;
      case 'summary':
        if (m.level === this.level.id) this.summary = m.summary;
        this.busy = '';
        return;
      case 'error':
        this.error = m.message;
        this.busy = '';
        return;
    }
  }

  private start(schedule?: string[]): void {
    this.hello = undefined;
    this.state = undefined;
    this.log = [];
    this.output = [];
    this.end = undefined;
    this.error = '';
    this.run++; // until the extension says which run is current, drop the old run's messages
    if (this.unavailable) return;
    this.busy = this.t('Starting…');
    this.post({ type: 'start', level: this.level.id, bytecode: this.bytecode, schedule });
  }

  private step(thread: string): void {
    if (!this.state || this.state.status !== 'running') return;
    this.focusThread = thread;
    this.post({ type: 'step', run: this.run, thread });
  }

  private key(e: KeyboardEvent): void {
    const target = e.target as HTMLElement | null;
    if (e.altKey || e.ctrlKey || e.metaKey || (target && ['SELECT', 'INPUT', 'TEXTAREA'].includes(target.tagName))) return;
    const n = Number(e.key);
    if (!Number.isInteger(n) || n < 1 || n > 9) return;
    const th = this.state?.threads[n - 1];
    if (th?.runnable) {
      e.preventDefault();
      this.step(th.name);
    }
  }

  // ---- drawing --------------------------------------------------------------------------

  private render(): void {
    const t = this.t;
    const focused = (document.activeElement as HTMLElement | null)?.dataset.thread ?? this.focusThread;
    const parts: HTMLElement[] = [el('h1', { text: t('Be the Scheduler') }), this.toolbar()];
    parts.push(el('p', { className: 'task', text: levelTask(this.level, t) }), el('p', { className: 'goal', text: goalText(this.level.goal, t) }));
    if (this.unavailable) parts.push(el('p', { className: 'bad', attrs: { role: 'alert' }, text: t('Scheduler mode needs Python: {0}', this.unavailable) }));
    if (this.error) parts.push(el('p', { className: 'bad', attrs: { role: 'alert' }, text: this.error }));
    parts.push(el('p', { className: 'status', attrs: { id: 'sched-status', role: 'status', 'aria-live': 'polite' }, text: this.statusText() }));
    parts.push(...this.result());
    if (this.hello && this.state) {
      parts.push(el('div', { className: 'sched-grid' }, this.code(), el('div', { className: 'side' }, this.threads(), this.shared())));
      parts.push(this.stepLog(), ...this.programOutput());
    }
    if (this.summary) parts.push(...this.summaryView(this.summary));
    this.root.replaceChildren(...parts);
    if (focused) (this.root.querySelector(`button.step[data-thread="${CSS.escape(focused)}"]`) as HTMLElement | null)?.focus();
  }

  private button(id: string, text: string, onClick: () => void, disabled = false): HTMLButtonElement {
    const b = el('button', { text, attrs: { id, type: 'button' } });
    b.disabled = disabled;
    b.addEventListener('click', onClick);
    return b;
  }

  private toolbar(): HTMLElement {
    const t = this.t;
    const select = el('select', { attrs: { id: 'sched-level', 'aria-label': t('Level') } }, ...LEVELS.map((l) => el('option', { text: levelTitle(l, t), attrs: { value: l.id } })));
    select.value = this.level.id;
    select.addEventListener('change', () => {
      this.level = findLevel(select.value) ?? this.level;
      this.bytecode = this.level.bytecode;
      this.summary = undefined;
      this.start();
      this.render();
    });
    const box = el('input', { attrs: { id: 'sched-bytecode', type: 'checkbox' } });
    box.checked = this.bytecode;
    box.addEventListener('change', () => {
      this.bytecode = box.checked;
      this.start();
      this.render();
    });
    const found = this.saved.found[this.level.id];
    const idle = !!this.unavailable || !!this.busy;
    return el(
      'div',
      { className: 'toolbar' },
      select,
      el('label', { className: 'check' }, box, t('Bytecode view')),
      this.button('sched-restart', t('Restart'), () => (this.start(), this.render()), !!this.unavailable),
      this.button('sched-replay', t('Replay the found schedule'), () => (this.start(found), this.render()), !found || idle),
      this.button('sched-random', t('Random schedules × 1,000'), () => this.batch('random'), idle),
      this.button('sched-exhaustive', t('Check every schedule'), () => this.batch('exhaustive'), idle),
      this.button('sched-open', t('Open the program'), () => this.post({ type: 'open', level: this.level.id })),
    );
  }

  private batch(mode: 'random' | 'exhaustive'): void {
    this.summary = undefined;
    this.busy = mode === 'random' ? this.t('Running 1,000 random schedules…') : this.t('Checking every schedule…');
    this.post({ type: 'batch', level: this.level.id, bytecode: this.bytecode, mode, runs: 1000 });
    this.render();
  }

  /** The batch's counts, and a replay of one schedule for each outcome it found. */
  private summaryView(summary: SummaryMessage): HTMLElement[] {
    const t = this.t;
    const replays = (['wrong', 'deadlock'] as const)
      .filter((kind) => summary.examples[kind]?.length)
      .map((kind) =>
        this.button(`sched-replay-${kind}`, kind === 'wrong' ? t('Replay one that ended wrong') : t('Replay one that deadlocked'), () => {
          this.start(summary.examples[kind]);
          this.render();
        }),
      );
    return [el('p', { className: 'summary', attrs: { id: 'sched-summary' }, text: summaryText(summary, t, this.texts.locale) }), ...(replays.length ? [el('div', { className: 'toolbar' }, ...replays)] : [])];
  }

  private statusText(): string {
    const t = this.t;
    if (this.busy) return this.busy;
    const s = this.state;
    if (!s) return '';
    if (s.status !== 'running') return endText(s, this.hello?.expect ?? null, t);
    const last = [...s.log].reverse().find((e) => !e.auto) ?? s.log[s.log.length - 1];
    const choose = t('Step {0}. Choose the thread that runs next (keys 1–{1}).', s.step, Math.min(9, s.threads.length));
    return last ? `${stepText(last, t)}. ${choose}` : choose;
  }

  private result(): HTMLElement[] {
    const s = this.state;
    if (!s || s.status === 'running') return [];
    const t = this.t;
    const out: HTMLElement[] = [];
    const reached = goalReached(this.level, s);
    out.push(el('p', { className: reached ? 'goal-reached' : 'goal-missed', attrs: { id: 'sched-result' }, text: reached ? t('Goal reached.') : t('Not this time: restart and choose another order.') }));
    if (this.end?.schedule.length) out.push(el('p', { className: 'note', attrs: { id: 'sched-schedule' }, text: t('Your schedule: {0}', this.end.schedule.join(', ')) }));
    const diagram = s.status === 'deadlock' && s.cycle?.length ? this.cycleDiagram(s) : undefined;
    if (diagram) out.push(diagram);
    const lost = lostUpdates(this.log);
    if (lost.length) out.push(el('ul', { className: 'lost', attrs: { id: 'sched-lost' } }, ...lost.map((l) => el('li', { text: lostText(l, t) }))));
    return out;
  }

  /** The deadlock's wait-for cycle drawn as in the demo panel: each thread, the lock it waits for,
   *  the thread holding it. */
  private cycleDiagram(s: StateMessage): HTMLElement | undefined {
    const cycle = s.cycle ?? [];
    const edges = cycle.map((name, i) => ({ from: name, to: cycle[(i + 1) % cycle.length], lock: s.threads.find((th) => th.name === name)?.waitsFor?.name ?? '' }));
    return renderCycleDiagram(edges, this.t);
  }

  private code(): HTMLElement {
    const t = this.t;
    const source = this.hello?.source ?? [];
    const marks = new Map<number, { index: number; blocked: boolean }[]>();
    this.state?.threads.forEach((th, i) => {
      if (th.line !== undefined && th.status !== 'done') marks.set(th.line, [...(marks.get(th.line) ?? []), { index: i + 1, blocked: th.status === 'blocked' }]);
    });
    const lines = source.map((text, i) => {
      const here = marks.get(i + 1) ?? [];
      const badges = here.map((m) => el('span', { className: `badge t${((m.index - 1) % 6) + 1}${m.blocked ? ' blocked' : ''}`, text: m.blocked ? `${m.index}‖` : `${m.index}▸` }));
      return el('li', { className: here.length ? 'current' : '' }, el('span', { className: 'marks' }, ...badges), el('span', { className: 'num', text: String(i + 1) }), el('code', { text }));
    });
    const name = this.file.split(/[\\/]/).pop() ?? '';
    return el('div', { className: 'code' }, el('h2', { text: name }), el('ol', { attrs: { id: 'sched-code', 'aria-label': t('Program {0}', name) } }, ...lines));
  }

  private threads(): HTMLElement {
    const t = this.t;
    const running = this.state?.status === 'running';
    const cards = (this.state?.threads ?? []).map((th, i) => {
      const n = i + 1;
      const button = el('button', { className: 'step', text: t('Step {0}', n), attrs: { type: 'button', 'data-thread': th.name, 'aria-keyshortcuts': n <= 9 ? String(n) : '', 'aria-label': t('Step {0}: {1}', th.name, threadState(th, t)) } });
      button.disabled = !running || !th.runnable;
      button.addEventListener('click', () => this.step(th.name));
      const locals = Object.entries(th.locals ?? {});
      const table = locals.length
        ? el('table', { className: 'locals' }, ...locals.map(([k, v]) => el('tr', {}, el('th', { text: k, attrs: { scope: 'row' } }), el('td', {}, el('code', { text: v })))))
        : undefined;
      const line = th.line !== undefined ? this.hello?.source[th.line - 1]?.trim() : undefined;
      return el(
        'li',
        { className: `thread-card ${th.status}`, attrs: { 'data-thread': th.name } },
        el('div', { className: 'thread-head' }, el('span', { className: `badge t${((n - 1) % 6) + 1}`, text: String(n) }), el('strong', { text: th.name }), button),
        el('div', { className: 'thread-state', text: threadState(th, t) }),
        ...(line && th.status !== 'done' ? [el('code', { className: 'next-line', text: line })] : []),
        ...(table ? [table] : []),
      );
    });
    return el('section', {}, el('h2', { text: t('Threads') }), el('ul', { className: 'threads', attrs: { id: 'sched-threads' } }, ...cards));
  }

  private shared(): HTMLElement {
    const t = this.t;
    const watch = Object.entries(this.state?.watch ?? {});
    if (!watch.length) return el('section', {});
    return el(
      'section',
      {},
      el('h2', { text: t('Shared state') }),
      el('table', { className: 'watch', attrs: { id: 'sched-watch' } }, ...watch.map(([k, v]) => el('tr', {}, el('th', { text: k, attrs: { scope: 'row' } }), el('td', {}, el('code', { text: v ?? t('not yet defined') }))))),
      ...(this.hello?.expect ? [el('p', { className: 'note', text: t('Right when: {0}', this.hello.expect) })] : []),
    );
  }

  private stepLog(): HTMLElement {
    const t = this.t;
    // Steps a thread took by itself (it was the only one alive) fold into one line each stretch.
    const items: HTMLElement[] = [];
    for (let i = 0; i < this.log.length; ) {
      const e = this.log[i];
      let j = i + 1;
      while (e.auto && j < this.log.length && this.log[j].auto && this.log[j].thread === e.thread && !this.log[j - 1].started?.length) j++;
      if (j - i > 2) {
        const notes = this.log.slice(i, j).filter((x) => x.access?.length || x.started?.length || x.done).map((x) => stepText(x, t));
        items.push(el('li', { className: 'auto', attrs: { value: String(e.step) } }, el('details', {}, el('summary', { text: t('{0} ran {1} steps by itself: it was the only thread', e.thread, j - i) }), el('ol', {}, ...this.log.slice(i, j).map((x) => el('li', { attrs: { value: String(x.step) }, text: stepText(x, t) })))), ...notes.map((n) => el('div', { text: n }))));
      } else {
        for (const x of this.log.slice(i, j)) items.push(el('li', { className: x.auto ? 'auto' : 'chosen', attrs: { value: String(x.step) }, text: stepText(x, t) }));
      }
      i = j;
    }
    const details = el('details', { attrs: { id: 'sched-log' } }, el('summary', { text: t('Step log ({0} steps, {1} chosen by you)', this.log.length, scheduleOf(this.log).length) }), el('ol', {}, ...items));
    details.open = true;
    return details;
  }

  private programOutput(): HTMLElement[] {
    if (!this.output.length) return [];
    const t = this.t;
    return [el('h2', { text: t('Program output') }), el('pre', { className: 'output', attrs: { id: 'sched-output' } }, ...this.output.map((p) => el('span', { className: p.stream, text: p.text })))];
  }
}

const root = document.getElementById('app');
// Colours are the theme's CSS variables, which VS Code updates itself: nothing to redraw on a theme change.
if (root) new SchedulerApp(root);
