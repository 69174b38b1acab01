/**
 * Which file a panel's "open the code" click may open. The webview only names a file as a trace has
 * it (a bare `race.py` from a span's `where`, or a stack frame's path); this module decides, without
 * VS Code, whether that names a real file of the program that run traced. For a run of this
 * extension host (`startedAt` and `scenario` match one it remembers):
 * - its trace must refer to that file (a span's or lane's `where`, or a stuck thread's frame);
 * - the file, symbolic links resolved, must be an existing regular file that is the run's program
 *   or lies in its program's folder (or the shipped programs folder, for a demo's helpers).
 * The webview keeps runs across a window reload; the extension host does not know those, so for them
 * the file must lie in a workspace folder or the shipped programs folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OpenSourceMessage } from '../../shared/protocol';
import type { Runtime, Trace } from '../../shared/trace';

/** The shipped program of a scenario, as the engine runs it (engine/*Runtime.programPath). */
export function shippedProgram(extensionRoot: string, scenario: string, runtime: Runtime): string {
  return path.join(shippedProgramsRoot(extensionRoot), runtime, `${scenario}.${runtime === 'python' ? 'py' : 'mjs'}`);
}

export function shippedProgramsRoot(extensionRoot: string): string {
  return path.join(extensionRoot, 'media', 'programs');
}

/** What the check needs of a run this extension host produced: the program it ran (absolute) and the files its trace names. */
export interface RunSource {
  program: string;
  files: ReadonlySet<string>;
}

/** Runs remembered per session: more than the webview keeps (20); older ones get the reload rule. */
const REMEMBERED_RUNS = 100;
/** Far more files than a program's trace names; a file past them is refused, as one the trace does not name. */
const REMEMBERED_FILES = 1000;

const runKey = (run: Pick<Trace, 'startedAt' | 'scenario'>): string => JSON.stringify([run.startedAt, run.scenario]);

/** The runs of this extension host, by start time and scenario (what `open-source` names), bounded. */
export class SessionRuns {
  private readonly runs = new Map<string, RunSource>();

  remember(trace: Trace, program: string): void {
    this.runs.set(runKey(trace), { program, files: new Set([...referencedFiles(trace)].slice(0, REMEMBERED_FILES)) });
    for (const key of this.runs.keys()) if (this.runs.size > REMEMBERED_RUNS) this.runs.delete(key);
  }

  get(run: Pick<Trace, 'startedAt' | 'scenario'>): RunSource | undefined {
    return this.runs.get(runKey(run));
  }
}

/** What the resolver needs to know besides the message. */
export interface SourceContext {
  runs: Pick<SessionRuns, 'get'>;
  extensionRoot: string;
  /** Workspace folders: where a file of a run from before a reload may be. */
  workspaceRoots: readonly string[];
}

export type SourceResolution = { ok: true; file: string; line: number } | { ok: false; reason: string };

/** `race.py` of `race.py:18`; a Windows path's drive colon is not the line's. */
function whereFile(where: string | undefined): string | undefined {
  if (!where) return undefined;
  const colon = where.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(where.slice(colon + 1)) ? where.slice(0, colon) : undefined;
}

/** Every file name the trace refers to, as it spells them. */
export function referencedFiles(trace: Trace): Set<string> {
  const files = new Set<string>();
  const add = (f: string | undefined): void => void (f && files.add(f));
  for (const v of trace.variants) {
    for (const l of v.lanes) add(whereFile(l.where));
    for (const s of v.spans) add(whereFile(s.where));
    for (const th of v.stuck?.threads ?? []) for (const f of th.frames) add(f.file);
  }
  return files;
}

/** Real path, or undefined when it does not exist (or cannot be read). */
function real(p: string): string | undefined {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return undefined;
  }
}

/** Whether `file` is `root` itself or inside it (both real paths). */
function within(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function resolveSource(message: Omit<OpenSourceMessage, 'type'>, ctx: SourceContext): SourceResolution {
  const run = ctx.runs.get(message);
  if (run && !run.files.has(message.file)) return { ok: false, reason: `the run does not refer to ${JSON.stringify(message.file)}` };
  const program = run?.program ?? message.program ?? shippedProgram(ctx.extensionRoot, message.scenario, message.runtime);
  const programReal = real(program);
  if (!programReal) return { ok: false, reason: `the run's program ${program} is gone` };
  const folder = path.dirname(programReal);
  // A bare name (from `where`) or a relative frame is the program folder's; an absolute one stays.
  const candidate = path.isAbsolute(message.file) ? message.file : path.resolve(folder, message.file);
  const file = real(candidate);
  if (!file) return { ok: false, reason: `${candidate} does not exist` };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    return { ok: false, reason: `${file} cannot be read: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!stat.isFile()) return { ok: false, reason: `${file} is not a regular file` };
  const shippedReal = real(shippedProgramsRoot(ctx.extensionRoot));
  // The message's program is the webview's word, not ours: for a run we do not know, only where the file lies counts.
  const allowed = run ? [folder, shippedReal] : [...ctx.workspaceRoots.map(real), shippedReal];
  if (!allowed.some((r) => r !== undefined && within(r, file))) {
    return { ok: false, reason: run ? `${file} is outside the program's folder ${folder}` : `${file} of a run from before a reload is outside the workspace and the shipped programs` };
  }
  return { ok: true, file, line: message.line };
}
