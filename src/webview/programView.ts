/**
 * What a variant's process left besides its timeline: how it exited, where its threads were stuck
 * when a timed-out run was stopped, and its own output (outputView.ts). Everything from the trace
 * goes in as text (`el` sets textContent), never as markup.
 */
import type { Lane, StackFrame, Variant } from '../shared/trace';
import { cycleEdges, renderCycleDiagram } from './cycleDiagram';
import { el } from './dom';
import type { Texts } from './i18n';
import { laneTitle } from './labels';
import { splitOutput } from './outputLines';
import { OutputView } from './outputView';
import { fillIn, isProgramFrame, PLACE, programFileNames, sourceLink } from './sourceLinks';

type T = (key: string, ...args: (string | number)[]) => string;

/** "exit code 0", "stopped by signal SIGTERM", or '' when the trace does not say. */
export function exitText(v: Variant, t: T): string {
  if (v.exitCode === undefined) return '';
  if (v.exitCode === null) return v.signal ? t('stopped by signal {0}', v.signal) : t('stopped by a signal');
  return t('exit code {0}', v.exitCode);
}

/** Whether the exit is worth flagging: a non-zero code or a signal. */
export function exitIsBad(v: Variant): boolean {
  return v.exitCode === null || (typeof v.exitCode === 'number' && v.exitCode !== 0);
}

function laneName(lanes: Lane[], id: number | undefined, t: T): string {
  if (id === undefined) return '';
  const lane = lanes.find((l) => l.id === id);
  return lane ? laneTitle(lane, t) : t('lane {0}', id);
}

/** `file:line` of a frame: a link when it is the program's code, else text (the interpreter's own
 *  files are not opened from the panel: see docs/extension.md). */
function frameRef(f: StackFrame, programFiles: Set<string>, t: T): Node {
  const text = `${f.file}:${f.line}`;
  return isProgramFrame(f.file, programFiles) && f.line >= 1 ? sourceLink(text, { file: f.file, line: f.line }, t('Open {0} beside the panel', text)) : document.createTextNode(text);
}

/**
 * The stuck threads of a timed-out run: per thread, where it waits (a link to the code) and for
 * what, its whole stack (each program frame a link), and the deadlock cycle in words and drawn.
 */
export function renderStuck(v: Variant, texts: Texts): HTMLElement | undefined {
  const stuck = v.stuck;
  if (!stuck || (!stuck.threads.length && !stuck.deadlock?.length)) return undefined;
  const t = texts.t.bind(texts);
  const parts: HTMLElement[] = [el('h5', { text: t('Where the threads were stuck when the run was stopped') })];
  const cycle = stuck.deadlock?.length ? [...stuck.deadlock, stuck.deadlock[0]].map((id) => laneName(v.lanes, id, t)).join(' → ') : '';
  // The cycle by lane names reads in any language; the engine's English sentence stays in the trace.
  if (cycle) parts.push(el('p', { className: 'bad', text: t('Deadlock: {0}', cycle) }));
  const inCycle = new Set(stuck.deadlock ?? []);
  const programFiles = programFileNames(v);
  const items = stuck.threads.map((th) => {
    const frame = th.frames[th.frames.length - 1];
    const at: (Node | string)[] = frame ? fillIn(t('{0} in {1}', PLACE, frame.func), frameRef(frame, programFiles, t)) : [t('no stack')];
    const waits = th.waitsFor
      ? th.heldBy !== undefined
        ? t('waits for {0}, held by {1}', th.waitsFor, laneName(v.lanes, th.heldBy, t))
        : t('waits for {0}', th.waitsFor)
      : '';
    const line = el('div', { className: 'stuck-line' }, el('span', { className: 'lane-name', text: laneName(v.lanes, th.lane, t) }), ' — ', ...at, waits ? ` — ${waits}` : '');
    const li = el('li', {}, line);
    if (inCycle.has(th.lane)) li.className = 'in-cycle';
    // The whole stack, outermost first as in a traceback: the line above shows only where it waits.
    if (th.frames.length > 1) {
      const frames = th.frames.map((f) => el('li', {}, frameRef(f, programFiles, t), ` ${f.func}`));
      li.append(el('details', {}, el('summary', { text: t('Stack ({0} frames)', th.frames.length) }), el('ol', { className: 'stack' }, ...frames)));
    }
    return li;
  });
  if (items.length) parts.push(el('ul', {}, ...items));
  const diagram = stuck.deadlock?.length ? renderCycleDiagram(cycleEdges(stuck, v.lanes, (lane, id) => (lane ? laneTitle(lane, t) : t('lane {0}', id))), t) : undefined;
  if (diagram) parts.push(diagram);
  return el('div', { className: 'stuck' }, ...parts);
}

/** Numbers the hints that describe each output list (their ids). */
let hints = 0;

/** The output section: heading, notes, and the list when there are lines. */
export interface OutputSection {
  root: HTMLElement;
  list?: OutputView;
}

/**
 * The program's stdout and stderr, every line at its time, stderr marked, in a virtualised list
 * (outputView.ts): all of it, however long. The trace does not say which process printed a line.
 */
export function renderOutput(v: Variant, texts: Texts): OutputSection | undefined {
  const chunks = v.output ?? [];
  if (!chunks.length && !v.outputTruncated) return undefined;
  const t = texts.t.bind(texts);
  const lines = splitOutput(chunks);
  const n = lines.text.length;
  const count = n === 1 ? t('1 line') : t('{0} lines', n.toLocaleString(texts.locale));
  const parts: HTMLElement[] = [el('h5', { text: n ? `${t('Program output')} · ${count}` : t('Program output') })];
  if (v.outputTruncated) parts.push(el('p', { className: 'note', text: t('{0} more characters of output were not kept.', v.outputTruncated.toLocaleString(texts.locale)) }));
  if (!n) return { root: el('div', { className: 'program-output' }, ...parts) };
  const list = new OutputView(lines, texts, t('Program output of {0}, {1} lines', texts.variant(v.title), n.toLocaleString(texts.locale)));
  const hint = el('p', { className: 'hint', text: t('Hover the timeline to see what was printed up to that moment. Click a line, or press Enter on it, to put a cursor on the timeline at its time.') });
  hint.id = `clab-output-hint-${++hints}`;
  list.root.setAttribute('aria-describedby', hint.id);
  parts.push(hint, list.root);
  return { root: el('div', { className: 'program-output' }, ...parts), list };
}
