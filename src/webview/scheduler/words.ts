/**
 * The scheduler panel's sentences: each level's title and goal, what a step did, why a thread
 * waits, and how a run ended — all from the driver's report of this run. Keys are English source
 * text, localized by the bundle the extension sends.
 */
import type { Access, LevelGoal, LogEntry, LostUpdate, SchedThread, SchedulerLevel, StateMessage, SummaryMessage } from '../../shared/scheduler';

export type T = (key: string, ...args: (string | number)[]) => string;

export function levelTitle(level: SchedulerLevel, t: T): string {
  switch (level.id) {
    case 'lost-update':
      return t('Level 1: lose a deposit');
    case 'with-lock':
      return t('Level 2: the same with a lock');
    case 'counter':
      return t('Level 3: counter += 1, by bytecode');
    case 'two-locks':
      return t('Level 4: two locks, opposite order');
    default:
      return t('Level 5: a Lock taken twice');
  }
}

/** What the learner is asked to do in the level. */
export function levelTask(level: SchedulerLevel, t: T): string {
  switch (level.id) {
    case 'lost-update':
      return t('Two threads each deposit 100. Choose the order of their steps so that the balance ends wrong.');
    case 'with-lock':
      return t('The same deposits inside `with self.lock:`. Try to make the balance wrong: a thread that reaches the lock while the other holds it has to wait.');
    case 'counter':
      return t('`counter += 1` looks like one step. Turn on the bytecode view and find the order of instructions that loses an increment.');
    case 'two-locks':
      return t('Each thread takes both locks, in opposite order. Find the order in which both wait for ever.');
    default:
      return t('`transfer` holds the lock and calls `deposit`, which takes it again. Run it and see where it stops; then open the program and change `Lock()` to `RLock()`.');
  }
}

export function goalText(goal: LevelGoal, t: T): string {
  switch (goal) {
    case 'wrong-result':
      return t('Goal: the program finishes with a wrong result.');
    case 'right-result':
      return t('Goal: the program finishes with the right result.');
    case 'deadlock':
      return t('Goal: the threads deadlock.');
  }
}

/** A thread's state in words: where it is, or what it waits for. */
export function threadState(th: SchedThread, t: T): string {
  if (th.status === 'done') return t('finished');
  if (th.status === 'blocked' && th.waitsFor) {
    const w = th.waitsFor;
    if (w.kind === 'lock') {
      if (w.heldBy === th.name) return t('blocked: waits for {0}, which it holds itself', w.name);
      return w.heldBy ? t('blocked: waits for {0}, held by {1}', w.name, w.heldBy) : t('waits for {0}, now free: choose it to take the lock', w.name);
    }
    return th.runnable ? t('waits for {0} to finish, which it has: choose it to go on', w.name) : t('blocked: waits for {0} to finish', w.name);
  }
  if (th.line === undefined) return t('starting');
  return th.instr ? t('next: line {0}, {1}', th.line, th.instr) : t('next: line {0}', th.line);
}

function accessText(a: Access, t: T): string {
  return a.kind === 'read' ? t('read {0} = {1}', a.watch, a.value ?? '?') : t('wrote {0}: {1} → {2}', a.watch, a.old ?? '?', a.value ?? '?');
}

/** One step of the log: "Thread-1 ran line 18 — read account.balance = 0". */
export function stepText(e: LogEntry, t: T): string {
  const what = e.instr ? t('{0} ran {1} (line {2})', e.thread, e.instr, e.line ?? '?') : e.line ? t('{0} ran line {1}', e.thread, e.line) : t('{0} moved', e.thread);
  const parts = [what];
  for (const a of e.access ?? []) parts.push(accessText(a, t));
  if (e.started?.length) parts.push(t('started {0}', e.started.join(', ')));
  if (e.blocked) parts.push(t('stopped: waits for {0}', e.blocked));
  if (e.done) parts.push(t('finished'));
  return parts.join(' — ');
}

export function lostText(l: LostUpdate, t: T): string {
  return t(
    'Step {0}: {1} wrote {2} = {3}, computed from the {4} it read at step {5}. The value {6} written by {7} at step {8} was overwritten: that update is lost.',
    l.writeStep,
    l.thread,
    l.watch,
    l.value ?? '?',
    l.readValue ?? '?',
    l.readStep,
    l.lostValue ?? '?',
    l.lostThread,
    l.lostStep,
  );
}

/** How the run ended, with the numbers. */
export function endText(state: StateMessage, expect: string | null, t: T): string {
  const values = Object.entries(state.watch)
    .map(([k, v]) => `${k} = ${v ?? '?'}`)
    .join(', ');
  switch (state.status) {
    case 'finished':
      if (state.ok === false) return t('Finished with a wrong result: {0}, but the program expects {1}.', values, expect ?? '?');
      if (state.ok === true) return t('Finished with the right result: {0}.', values);
      return t('Finished.');
    case 'deadlock':
      return state.cycle?.length
        ? t('Deadlock: {0}. No thread can move: each waits for a lock another one (or itself) holds.', [...state.cycle, state.cycle[0]].join(' → '))
        : t('No thread can move.');
    case 'lost':
      return t('The scheduler lost control: {0}', state.error ?? '');
    default:
      return '';
  }
}

export function summaryText(s: SummaryMessage, t: T, locale: string): string {
  const n = (v: number) => v.toLocaleString(locale);
  const counts = s.counts;
  const parts: string[] = [];
  if (counts.wrong) parts.push(t('{0} ended wrong', n(counts.wrong)));
  if (counts.right) parts.push(t('{0} ended right', n(counts.right)));
  if (counts.finished) parts.push(t('{0} finished', n(counts.finished)));
  if (counts.deadlock) parts.push(t('{0} deadlocked', n(counts.deadlock)));
  if (counts.lost) parts.push(t('{0} escaped the scheduler', n(counts.lost)));
  const secs = (s.ms / 1000).toFixed(1);
  if (s.type === 'random') return t('{0} random schedules ({1} s): {2}.', n(s.runs), secs, parts.join(', '));
  return s.complete
    ? t('Every schedule checked: {0} distinct states, {1} s. Ends: {2}.', n(s.states ?? 0), secs, parts.join(', '))
    : t('Checked {0} runs ({1} s) without covering every schedule. Ends so far: {2}.', n(s.runs), secs, parts.join(', '));
}
