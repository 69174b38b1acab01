/**
 * The learner's copies of the lesson programs, decided without `vscode` (unit-tested): which shipped
 * original a new copy is made from (the display language picks it), which section's program a file
 * is a copy of, and whether the learner edited it. The commands read and write the files.
 */
import * as path from 'node:path';
import { EXAMPLES } from '../shared/examples';
import { SCENARIOS, type SectionId } from '../shared/scenarios';
import type { Runtime } from '../shared/trace';

export const FILE_EXTENSION: Record<Runtime, string> = { python: 'py', node: 'mjs' };

/**
 * Translations shipped beside the originals, as folders of media/programs/<runtime>/ holding the
 * same file names: the same code, with comments and printed text in that language.
 */
export const PROGRAM_TRANSLATIONS: Readonly<Record<Runtime, readonly string[]>> = { python: ['zh-cn'], node: [] };

/** A program a learner can open a copy of. */
export interface LessonProgram {
  runtime: Runtime;
  /** Its name in media/programs/<runtime>/ and in the learner's folder. */
  file: string;
  section: SectionId;
}

/** Every scenario's program in every runtime it has, and the examples (src/shared/examples.ts). */
export const LESSON_PROGRAMS: readonly LessonProgram[] = [
  ...SCENARIOS.flatMap((s) => s.runtimes.map((runtime) => ({ runtime, file: `${s.id}.${FILE_EXTENSION[runtime]}`, section: s.section }))),
  ...EXAMPLES.map((e) => ({ runtime: e.language, file: e.file, section: e.section })),
];

/** The translation a new copy is made from for VS Code's display language (`vscode.env.language`); undefined: English. */
export function programLocale(runtime: Runtime, displayLanguage: string): string | undefined {
  return displayLanguage.toLowerCase().startsWith('zh') && PROGRAM_TRANSLATIONS[runtime].includes('zh-cn') ? 'zh-cn' : undefined;
}

/** The shipped original a new copy is made from, as path segments under media/programs/. */
export function shippedProgram(runtime: Runtime, file: string, displayLanguage: string): string[] {
  const locale = programLocale(runtime, displayLanguage);
  return locale ? [runtime, locale, file] : [runtime, file];
}

/**
 * Every shipped original of a program, one per language, as path segments under media/programs/. A
 * copy equal to any of them is unedited: the copy keeps the language it was made in, and the
 * display language may have changed since.
 */
export function shippedOriginals(runtime: Runtime, file: string): string[][] {
  return [[runtime, file], ...PROGRAM_TRANSLATIONS[runtime].map((locale) => [runtime, locale, file])];
}

/**
 * Text as compared: line endings, a byte-order mark and trailing blanks are what editors change on
 * save (files.eol, trimTrailingWhitespace, insertFinalNewline), not what the learner changed.
 */
export function normaliseText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').replace(/\n+$/, '');
}

/** Whether a copy differs from every original it may have been copied from (those that exist). */
export function isEdited(copy: string, originals: readonly (string | undefined)[]): boolean {
  const mine = normaliseText(copy);
  return originals.every((o) => o === undefined || normaliseText(o) !== mine);
}

/** Path functions, so the tests can check Windows paths on any OS. */
type PathApi = Pick<typeof path, 'relative' | 'isAbsolute' | 'sep' | 'join'>;

/**
 * Which lesson program `file` is the learner's copy of: a program's name in the `<runtime>/` folder
 * of one of the learner's folders (`<workspace>/concurrency-lab/`, the extension's storage). Any
 * other file, whatever its name, is nobody's copy.
 */
export function learnerCopyOf(file: string, roots: readonly string[], paths: PathApi = path): LessonProgram | undefined {
  for (const root of roots) {
    const rel = paths.relative(root, file);
    if (!rel || paths.isAbsolute(rel)) continue;
    const parts = rel.split(paths.sep);
    if (parts.length !== 2 || parts[0] === '..') continue;
    const found = LESSON_PROGRAMS.find((p) => p.runtime === parts[0] && p.file === parts[1]);
    if (found) return found;
  }
  return undefined;
}

export interface TracedCopy {
  program: LessonProgram;
  /** The copy differs from every shipped original of its program. */
  edited: boolean;
}

export interface TracedFile {
  /** The traced file's absolute path. */
  file: string;
  /** Its text as it was traced. */
  text: string;
  /** The learner's folders (absolute). */
  roots: readonly string[];
  /** The extension's media/programs folder (absolute). */
  shippedDir: string;
  /** Reads a shipped file; undefined when it does not exist. */
  read(file: string): Promise<string | undefined>;
  paths?: PathApi;
}

/**
 * The walkthroughs' "change one thing" steps are done by tracing an edited copy: this says whose
 * copy the traced file is and whether it was edited, or undefined when it is no learner's copy.
 */
export async function judgeTracedCopy(traced: TracedFile): Promise<TracedCopy | undefined> {
  const paths = traced.paths ?? path;
  const program = learnerCopyOf(traced.file, traced.roots, paths);
  if (!program) return undefined;
  const originals = await Promise.all(shippedOriginals(program.runtime, program.file).map((segments) => traced.read(paths.join(traced.shippedDir, ...segments))));
  // No original found means a broken install, not an edit: nothing to compare with, nothing ticked.
  if (originals.every((o) => o === undefined)) return { program, edited: false };
  return { program, edited: isEdited(traced.text, originals) };
}
