/**
 * What a variant's process left besides its timeline: how it exited, where its threads were stuck
 * when a timed-out run was stopped, and its own output. Everything from the trace goes in as text
 * (`el` sets textContent), never as markup.
 */
import type { Lane, OutputChunk, OutputStream, StackFrame, Variant } from '../shared/trace';
import { cycleEdges, renderCycleDiagram } from './cycleDiagram';
import { el } from './dom';
import type { Texts } from './i18n';
import { laneTitle } from './labels';
import { fillIn, isProgramFrame, PLACE, programFileNames, sourceLink } from './sourceLinks';

/** Lines of output the panel renders; a later view shows all of it. */
export const MAX_OUTPUT_LINES = 2000;

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

export interface OutputTail {
  /** Adjacent chunks of one stream merged. */
  pieces: { stream: OutputStream; text: string }[];
  /** Lines in all the output the trace kept, and in what is shown. */
  lines: number;
  shown: number;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The last `maxLines` lines of the output (a final line without a newline counts). Pure. */
export function outputTail(chunks: OutputChunk[], maxLines = MAX_OUTPUT_LINES): OutputTail {
  let newlines = 0;
  let last = '';
  for (const c of chunks) {
    newlines += countNewlines(c.text);
    if (c.text) last = c.text;
  }
  const lines = newlines + (last && !last.endsWith('\n') ? 1 : 0);
  let skip = Math.max(0, lines - maxLines);
  const pieces: OutputTail['pieces'] = [];
  for (const c of chunks) {
    let text = c.text;
    while (skip > 0 && text) {
      const nl = text.indexOf('\n');
      if (nl < 0) {
        text = '';
        break;
      }
      text = text.slice(nl + 1);
      skip--;
    }
    if (!text) continue;
    const prev = pieces[pieces.length - 1];
    if (prev && prev.stream === c.stream) prev.text += text;
    else pieces.push({ stream: c.stream, text });
  }
  return { pieces, lines, shown: Math.min(lines, maxLines) };
}

/** The program's stdout and stderr as one scrollable block, stderr marked, the last lines only. */
export function renderOutput(v: Variant, texts: Texts): HTMLElement | undefined {
  const chunks = v.output ?? [];
  if (!chunks.length && !v.outputTruncated) return undefined;
  const t = texts.t.bind(texts);
  const tail = outputTail(chunks);
  const notes: HTMLElement[] = [];
  if (tail.shown < tail.lines) notes.push(el('p', { className: 'note', text: t('Showing the last {0} of {1} lines.', tail.shown.toLocaleString(texts.locale), tail.lines.toLocaleString(texts.locale)) }));
  if (v.outputTruncated) notes.push(el('p', { className: 'note', text: t('{0} more characters of output were not kept.', v.outputTruncated.toLocaleString(texts.locale)) }));
  const pre = el(
    'pre',
    { className: 'output', attrs: { tabindex: '0', 'aria-label': t('Program output') } },
    ...tail.pieces.map((p) => (p.stream === 'stderr' ? el('span', { className: 'stderr', text: p.text }) : p.text)),
  );
  return el('div', { className: 'program-output' }, el('h5', { text: t('Program output') }), ...notes, pre);
}
