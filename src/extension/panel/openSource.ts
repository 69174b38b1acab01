/**
 * Which file a panel's "open the code" click may open. The webview only names a file as a trace has
 * it (a bare `race.py` from a span's `where`, or a stack frame's path); this module decides, without
 * VS Code, whether that names a real file of the program that run traced:
 * - the run must be one the extension keeps (`startedAt` and `scenario` match a kept trace);
 * - the trace must refer to that file (a span's or lane's `where`, or a stuck thread's frame);
 * - the file, symbolic links resolved, must be an existing regular file that is the run's program
 *   or lies in its program's folder (or the shipped programs folder, for a demo's helpers).
 * A run restored from the webview's saved state was not produced by this extension host: its
 * program counts only when it lies in a workspace folder or the shipped programs folder.
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

/** What the resolver needs to know about the extension's runs. */
export interface SourceContext {
  /** The kept runs (RunSession.history). */
  history: readonly Trace[];
  /** The program each run the extension produced itself ran (absolute); restored runs are absent. */
  programs: { get(trace: Trace): string | undefined };
  extensionRoot: string;
  /** Workspace folders: where a restored run's program may be. */
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

/** The program a kept run ran, and whether this extension host ran it. */
function programOf(trace: Trace, ctx: SourceContext): { program: string; produced: boolean } {
  const produced = ctx.programs.get(trace);
  if (produced) return { program: produced, produced: true };
  return { program: trace.program?.path ?? shippedProgram(ctx.extensionRoot, trace.scenario, trace.runtime), produced: false };
}

export function resolveSource(message: Pick<OpenSourceMessage, 'startedAt' | 'scenario' | 'file' | 'line'>, ctx: SourceContext): SourceResolution {
  const trace = ctx.history.find((t) => t.startedAt === message.startedAt && t.scenario === message.scenario);
  if (!trace) return { ok: false, reason: `no kept run ${message.scenario} started at ${message.startedAt}` };
  if (!Number.isInteger(message.line) || message.line < 1) return { ok: false, reason: `line ${message.line} is not a positive integer` };
  if (!referencedFiles(trace).has(message.file)) return { ok: false, reason: `the run does not refer to ${JSON.stringify(message.file)}` };

  const { program, produced } = programOf(trace, ctx);
  const programReal = real(program);
  if (!programReal) return { ok: false, reason: `the run's program ${program} is gone` };
  const shippedReal = real(shippedProgramsRoot(ctx.extensionRoot));
  if (!produced) {
    // A run the webview handed back after a reload: its program must be somewhere we would run from.
    const trusted = [...ctx.workspaceRoots.map(real), shippedReal].filter((r): r is string => r !== undefined);
    if (!trusted.some((r) => within(r, programReal))) return { ok: false, reason: `the restored run's program ${program} is outside the workspace` };
  }
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
  const allowed = file === programReal || within(folder, file) || (shippedReal !== undefined && within(shippedReal, file));
  if (!allowed) return { ok: false, reason: `${file} is outside the program's folder ${folder}` };
  return { ok: true, file, line: message.line };
}
