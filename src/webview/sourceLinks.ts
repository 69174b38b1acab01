/**
 * Links from the panel to the program's code. A link never opens anything itself: it raises
 * `OPEN_SOURCE_EVENT` (bubbling), and the app posts `open-source` for the run on screen; the
 * extension decides whether that run refers to the file and opens it (extension/panel/openSource.ts).
 */
import type { Variant } from '../shared/trace';
import { el } from './dom';

export interface SourcePlace {
  /** As the trace spells it: `race.py` from a `where`, or a stack frame's path. */
  file: string;
  line: number;
}

export const OPEN_SOURCE_EVENT = 'clab:open-source';

/** `{ file, line }` of a `where` such as `race.py:18`; undefined for none, `<stdin>` or `<string>`. */
export function parseWhere(where: string | undefined): SourcePlace | undefined {
  if (!where) return undefined;
  const colon = where.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const line = Number(where.slice(colon + 1));
  const file = where.slice(0, colon);
  return isSourceFile(file) && Number.isInteger(line) && line >= 1 ? { file, line } : undefined;
}

/** Code that came from no file (`<stdin>`, `<string>`, `<frozen …>`) has nothing to open. */
function isSourceFile(file: string): boolean {
  return file.length > 0 && !file.startsWith('<');
}

/** Asks the app to open `place`, from the element the learner acted on. */
export function requestOpen(from: EventTarget, place: SourcePlace): void {
  from.dispatchEvent(new CustomEvent<SourcePlace>(OPEN_SOURCE_EVENT, { bubbles: true, detail: place }));
}

/** A button that reads like a link (`race.py:18`) and asks to open its place: keyboard and pointer alike. */
export function sourceLink(text: string, place: SourcePlace, label: string): HTMLButtonElement {
  const button = el('button', { className: 'source-link', text, attrs: { type: 'button', title: label, 'aria-label': label } });
  button.addEventListener('click', () => requestOpen(button, place));
  return button;
}

const baseName = (file: string): string => file.split(/[\\/]/).pop() ?? file;

/** The program's own file names in a variant: every `where` names one (the tracers leave the
 *  standard library, site-packages and themselves out of `where`). */
export function programFileNames(v: Variant): Set<string> {
  const names = new Set<string>();
  for (const l of v.lanes) {
    const p = parseWhere(l.where);
    if (p) names.add(baseName(p.file));
  }
  for (const s of v.spans) {
    const p = parseWhere(s.where);
    if (p) names.add(baseName(p.file));
  }
  return names;
}

/** Whether a stack frame is the program's code (a link) rather than the interpreter's (text). */
export function isProgramFrame(file: string, programFiles: Set<string>): boolean {
  return isSourceFile(file) && programFiles.has(baseName(file));
}

/** Stands for a node in a translated sentence: `fillIn(t('{0} in {1}', PLACE, func), link)`. */
export const PLACE = '\u0000';

/** The sentence split around PLACE with `node` put there, so translations keep their word order. */
export function fillIn(text: string, node: Node): (Node | string)[] {
  const at = text.indexOf(PLACE);
  return at < 0 ? [text] : [text.slice(0, at), node, text.slice(at + PLACE.length)];
}
