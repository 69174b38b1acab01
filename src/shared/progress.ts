/**
 * What a run reports while it goes, as data: the engine knows no languages, so each side turns it
 * into text with its own translate function (the extension and the panel through the l10n bundle,
 * the CLI in English), never by parsing the engine's English back.
 */
import { isInt, isRecord, isStr, isStrList, oneOf } from './guards';

/** A variant's program starting: `index` of `count`, `round` of `rounds` when repeated, and the
 *  command exactly as the engine spawned it. */
export interface VariantProgress {
  kind: 'variant';
  variant: string;
  index: number;
  count: number;
  round?: number;
  rounds?: number;
  argv: string[];
}

/** Notes about the run itself; each one's English text is its l10n key (NOTE_KEYS). */
export const PROGRESS_NOTES = ['sizing-work', 'node-fallback', 'tracing'] as const;
export type ProgressNote = (typeof PROGRESS_NOTES)[number];

export interface NoteProgress {
  kind: 'note';
  note: ProgressNote;
  args: string[];
}

export type RunProgress = VariantProgress | NoteProgress;

const NOTE_KEYS: Record<ProgressNote, string> = {
  'sizing-work': 'sizing the work to this machine (once per interpreter)',
  'node-fallback': '{0} — running the Node programs instead',
  tracing: 'Tracing {0} on {1}',
};

export type Translate = (key: string, ...args: (string | number)[]) => string;

/** Fills `{0}`, `{1}` … as `vscode.l10n.t` does: the English text of a key, for the CLI and tests. */
export const formatMessage: Translate = (key, ...args) =>
  key.replace(/\{(\d+)\}/g, (whole, n: string) => (args[Number(n)] === undefined ? whole : String(args[Number(n)])));

const isCount = (v: unknown): v is number => isInt(v) && v >= 1;
const isNote = oneOf(PROGRESS_NOTES);

export function isRunProgress(v: unknown): v is RunProgress {
  if (!isRecord(v)) return false;
  if (v.kind === 'note') return isNote(v.note) && isStrList(v.args);
  const rounds = v.rounds === undefined ? v.round === undefined : isCount(v.round) && isCount(v.rounds);
  return v.kind === 'variant' && isStr(v.variant) && isCount(v.index) && isCount(v.count) && rounds && isStrList(v.argv);
}

/** "Threads (2/3)", "Threads (2/3, run 1 of 5)" or a note; `title` gives a variant id's translated title. */
export function progressText(p: RunProgress, t: Translate, title: (variant: string) => string): string {
  if (p.kind === 'note') return t(NOTE_KEYS[p.note], ...p.args);
  const round = p.rounds ? `, ${t('run {0} of {1}', p.round ?? 1, p.rounds)}` : '';
  return `${title(p.variant)} (${p.index}/${p.count}${round})`;
}
