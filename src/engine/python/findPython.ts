/**
 * Finds a Python interpreter for the demos and checks it by running it: a name on PATH can be a
 * stub (the Windows Store alias), a Python 2, or a version too old for the programs.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { RunError } from '../errors';

export const MIN_PYTHON: readonly [number, number] = [3, 8];
const PROBE_TIMEOUT_MS = 10_000;

/** Runs on Python 2.7 too, so an old interpreter is named rather than reported as missing. */
const PROBE =
  'import sys,json;print(json.dumps({"version":list(sys.version_info[:3]),' +
  '"executable":sys.executable,"gil":getattr(sys,"_is_gil_enabled",lambda:True)()}))';

export interface PythonInfo {
  /** Absolute path of the interpreter (from `sys.executable`, so `py -3` resolves to a file). */
  executable: string;
  /** e.g. `3.11.7`. */
  version: string;
  /** False only on a free-threaded build running with the GIL off. */
  gil: boolean;
  /** What was asked for: the explicit path or the command that found it. */
  found: string;
}

export interface FindPythonOptions {
  /** The learner's choice (setting or `--python PATH`); when given, nothing else is tried. */
  explicitPath?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

interface Candidate {
  command: string;
  args: string[];
}

type Probe = { kind: 'ok'; info: PythonInfo; major: number; minor: number } | { kind: 'missing'; why: string };

export function candidates(explicitPath: string | undefined, platform: NodeJS.Platform): Candidate[] {
  if (explicitPath?.trim()) return [{ command: explicitPath.trim(), args: [] }];
  const list: Candidate[] = [
    { command: 'python3', args: [] },
    { command: 'python', args: [] },
  ];
  if (platform === 'win32') list.push({ command: 'py', args: ['-3'] });
  return list;
}

function probe(candidate: Candidate, timeoutMs: number, signal?: AbortSignal): Promise<Probe> {
  const label = [candidate.command, ...candidate.args].join(' ');
  return new Promise((resolve) => {
    execFile(
      candidate.command,
      [...candidate.args, '-c', PROBE],
      { timeout: timeoutMs, signal, windowsHide: true, encoding: 'utf8' },
      (error, stdout) => {
        if (error) {
          resolve({ kind: 'missing', why: `${label}: ${error.message.split('\n')[0]}` });
          return;
        }
        try {
          const lines = stdout.trim().split(/\r?\n/);
          const parsed = JSON.parse(lines[lines.length - 1]) as { version: number[]; executable: string; gil: boolean };
          const [major, minor, micro] = parsed.version;
          resolve({
            kind: 'ok',
            major,
            minor,
            info: { executable: parsed.executable || candidate.command, version: `${major}.${minor}.${micro}`, gil: parsed.gil !== false, found: label },
          });
        } catch {
          resolve({ kind: 'missing', why: `${label}: not a Python interpreter (unexpected output)` });
        }
      },
    );
  });
}

const isRecentEnough = (p: { major: number; minor: number }): boolean =>
  p.major > MIN_PYTHON[0] || (p.major === MIN_PYTHON[0] && p.minor >= MIN_PYTHON[1]);

const WHAT_TO_DO =
  'install it, set Concurrency Lab › Python Path (or pass --python PATH), or use the Node runtime';

/** Interpreters already checked by whoever asked for the run (the extension, once per setting). */
const checked = new Map<string, PythonInfo>();

/**
 * Takes the caller's word for an interpreter it checked itself (the extension's PythonLocator runs
 * this same probe once per setting): a later findPython for exactly that path skips the probe, a
 * process start that costs 50–150 ms per run. Only a version this module accepts is remembered.
 */
export function trustCheckedPython(executable: string, version: string): void {
  const [major, minor] = version.split('.').map(Number);
  if (!executable || !isRecentEnough({ major, minor })) return;
  // `gil` is not known here and not needed: each traced process's hello says whether its GIL is on.
  checked.set(executable, { executable, version, gil: true, found: executable });
}

/** A trusted interpreter that is still an executable file (a deleted one is probed, and fails clearly). */
function trusted(explicitPath: string | undefined): PythonInfo | undefined {
  const info = explicitPath ? checked.get(explicitPath.trim()) : undefined;
  if (!info) return undefined;
  try {
    accessSync(info.executable, constants.X_OK);
    return info;
  } catch {
    checked.delete(info.executable);
    return undefined;
  }
}

/**
 * The first candidate that runs and is recent enough. Rejects with RunError `runtime-missing` when
 * nothing runs, `runtime-too-old` when only old interpreters do, and `cancelled` on abort.
 */
export async function findPython(opts: FindPythonOptions = {}): Promise<PythonInfo> {
  const known = trusted(opts.explicitPath);
  if (known) return known;
  const want = `${MIN_PYTHON[0]}.${MIN_PYTHON[1]}`;
  const tried: string[] = [];
  let tooOld: PythonInfo | undefined;
  for (const candidate of candidates(opts.explicitPath, opts.platform ?? process.platform)) {
    if (opts.signal?.aborted) throw new RunError('cancelled', 'The search for Python was cancelled.');
    const result = await probe(candidate, opts.timeoutMs ?? PROBE_TIMEOUT_MS, opts.signal);
    if (result.kind === 'missing') {
      tried.push(result.why);
    } else if (isRecentEnough(result)) {
      return result.info;
    } else {
      tooOld ??= result.info;
    }
  }
  if (opts.signal?.aborted) throw new RunError('cancelled', 'The search for Python was cancelled.');
  if (tooOld) {
    throw new RunError(
      'runtime-too-old',
      `Python ${tooOld.version} (${tooOld.executable}) is too old: the demos need Python ${want} or newer. ` +
        `To fix it: ${WHAT_TO_DO}.`,
    );
  }
  const where = opts.explicitPath ? ` at "${opts.explicitPath}"` : '';
  throw new RunError(
    'runtime-missing',
    `Python ${want} or newer was not found${where}: ${WHAT_TO_DO}. (Tried: ${tried.join('; ')})`,
  );
}
