/**
 * The CLI's argument parser. `node:util`'s parseArgs splits the words (`--flag value`,
 * `--flag=value`, `--`); which command takes which flag, and every value, is checked here, so every
 * mistake becomes a CliArgError whose message names the flag or value at fault (the CLI exits 2 with
 * it). Ranges are checked later by validateParams, whose messages name the parameter too.
 */
import { parseArgs } from 'node:util';
import { MAX_REPEAT } from '../shared/protocol';
import { isLockMode, type LockMode } from '../shared/scenarios';
import { isRuntime, type Runtime } from '../shared/trace';

export class CliArgError extends Error {}

export type CliCommand =
  | { cmd: 'help' }
  | { cmd: 'list'; json: boolean }
  | {
      cmd: 'run';
      scenario: string;
      runtime?: Runtime;
      pythonPath?: string;
      /** A learner's edited copy of the program, run instead of the shipped one. */
      programPath?: string;
      params: Record<string, unknown>;
      timeoutMs?: number;
      json: boolean;
      traceFile?: string;
      /** Print the timeline even when stdout is not a terminal. */
      timeline: boolean;
      /** Run the variants this many times, interleaved, and report medians. */
      repeat?: number;
    }
  | {
      cmd: 'trace';
      /** As given: resolved from the caller's folder, and passed to the program unchanged. */
      file: string;
      /** The program's own arguments, untouched. */
      args: string[];
      runtime?: Runtime;
      pythonPath?: string;
      timeoutMs?: number;
      json: boolean;
      traceFile?: string;
      timeline: boolean;
    };

export const USAGE = `usage:
  concurrency-lab trace FILE [--runtime python|node] [--python PATH] [--timeout SECONDS]
                      [--json] [--trace OUT] [--timeline] [-- ARGS…]
  concurrency-lab list [--json]
  concurrency-lab run <scenario> [--runtime node|python] [--python PATH] [--program FILE]
                      [--threads N] [--tasks N] [--scale X] [--lock|--no-lock] [--pools 1,2,4]
                      [--repeat N] [--timeout SECONDS] [--json] [--trace FILE] [--timeline]`;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function number(flag: string, value: string): number {
  if (!NUMBER.test(value)) throw new CliArgError(`${flag} expects a number, got "${value}"`);
  return Number(value);
}

/** The longest timeout a timer can hold (2³¹−1 ms), in seconds. */
const MAX_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);

function timeoutMs(flag: string, value: string): number {
  const s = number(flag, value);
  if (!(s > 0) || s > MAX_TIMEOUT_S) throw new CliArgError(`${flag} must be more than 0 and at most ${MAX_TIMEOUT_S} seconds, got ${value}`);
  return Math.round(s * 1000);
}

function repeatArg(flag: string, value: string): number {
  const n = number(flag, value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPEAT) throw new CliArgError(`${flag} must be a whole number from 1 to ${MAX_REPEAT}, got ${value}`);
  return n;
}

function runtimeArg(flag: string, v: string): Runtime {
  if (!isRuntime(v)) throw new CliArgError(`${flag} must be node or python, got "${v}"`);
  return v;
}

type TraceCommand = Extract<CliCommand, { cmd: 'trace' }>;
type RunCommand = Extract<CliCommand, { cmd: 'run' }>;
/** The flags `trace` and `run` share. */
type SharedFlags = Omit<TraceCommand, 'cmd' | 'file' | 'args'>;
type Token = ReturnType<typeof split>[number];
type FlagToken = Extract<Token, { kind: 'option' }>;
/** Reads one flag into the command, or throws naming it. */
type Setter<T> = (out: T, t: FlagToken) => void;

/** `--flag value` or `--flag=value`: a missing value, or another flag in its place, is refused by name. */
function valueOf(t: FlagToken): string {
  if (t.value === undefined || (!t.inlineValue && t.value.startsWith('--'))) throw new CliArgError(`${t.rawName} needs a value`);
  return t.value;
}

/** A switch: `--json=x` is refused rather than read as on. */
function switchOn(t: FlagToken): true {
  if (t.value !== undefined) throw new CliArgError(`${t.rawName} takes no value, got "${t.value}"`);
  return true;
}

/** `--lock` alone means "with the lock"; `--lock=both|on|off` (or `--lock both|on|off`, see parseRun) names the mode. */
function lockArg(t: FlagToken): LockMode {
  if (t.value === undefined) return 'on';
  if (!isLockMode(t.value)) throw new CliArgError(`${t.rawName} must be both, on or off, got "${t.value}"`);
  return t.value;
}

const SHARED: Record<string, Setter<SharedFlags>> = {
  runtime: (o, t) => (o.runtime = runtimeArg(t.rawName, valueOf(t))),
  python: (o, t) => (o.pythonPath = valueOf(t)),
  timeout: (o, t) => (o.timeoutMs = timeoutMs(t.rawName, valueOf(t))),
  json: (o, t) => (o.json = switchOn(t)),
  timeline: (o, t) => (o.timeline = switchOn(t)),
  trace: (o, t) => (o.traceFile = valueOf(t)),
};

const param: Setter<RunCommand> = (o, t) => (o.params[t.name] = number(t.rawName, valueOf(t)));

const RUN: Record<string, Setter<RunCommand>> = {
  ...SHARED,
  program: (o, t) => (o.programPath = valueOf(t)),
  threads: param,
  tasks: param,
  scale: param,
  lock: (o, t) => (o.params.lock = lockArg(t)),
  'no-lock': (o, t) => {
    switchOn(t);
    o.params.lock = 'off';
  },
  repeat: (o, t) => (o.repeat = repeatArg(t.rawName, valueOf(t))),
  pools: (o, t) => (o.params.pools = valueOf(t).split(',').map((p) => number(t.rawName, p.trim()))),
};

/** Every flag of every command (`run` takes them all), as parseArgs is to split them: these take no value, the others one. */
const SWITCHES = new Set(['json', 'timeline', 'lock', 'no-lock']);
const FLAGS = Object.fromEntries(Object.keys(RUN).map((name) => [name, { type: SWITCHES.has(name) ? 'boolean' : 'string' } as const]));

/** The words in order: flags (`--flag value`, `--flag=value`), plain words, `--`. Not strict: an
 *  unknown flag or a missing value is ours to name. A value may start with one dash (`--threads -1`). */
function split(args: string[]) {
  return parseArgs({ args, options: FLAGS, strict: false, allowPositionals: true, tokens: true }).tokens;
}

/** The setter of a long flag the command takes. */
function setter<T>(table: Record<string, Setter<T>>, t: FlagToken): Setter<T> | undefined {
  return t.rawName.startsWith('--') && Object.hasOwn(table, t.name) ? table[t.name] : undefined;
}

/** The word as typed: `--trace` of `--trace=x`, a group of short flags whole (`-vx`), `--`. */
function typed(t: Token, args: string[]): string {
  if (t.kind === 'positional') return t.value;
  if (t.kind === 'option-terminator') return '--';
  return t.rawName.startsWith('--') ? t.rawName : (args[t.index] ?? t.rawName);
}

/**
 * `trace FILE [flags] [-- ARGS…]`: our flags come before `--`; everything after `--`, and any
 * plain word after FILE, goes to the program untouched.
 */
function parseTrace(args: string[]): TraceCommand {
  const out: SharedFlags = { json: false, timeline: false };
  const words: string[] = [];
  let file: string | undefined;
  let ours = true;
  for (const t of split(args)) {
    if (t.kind === 'option-terminator') ours = false;
    else if (t.kind === 'positional') {
      if (ours && file === undefined) file = t.value;
      else words.push(t.value);
    } else {
      const set = setter(SHARED, t);
      const flag = typed(t, args);
      if (!set) throw new CliArgError(`unknown flag "${flag}" (the program's own arguments go after "--", e.g. trace app.py -- ${flag})`);
      set(out, t);
    }
  }
  if (file === undefined) throw new CliArgError('trace needs a program file, e.g. "trace app.py"');
  return { cmd: 'trace', ...out, file, args: words };
}

/** `run SCENARIO [flags]`. */
function parseRun(args: string[]): RunCommand {
  const tokens = split(args);
  const first = tokens[0];
  if (first?.kind !== 'positional') throw new CliArgError('run needs a scenario, e.g. "run gil" (see "list")');
  const out: RunCommand = { cmd: 'run', scenario: first.value, params: {}, json: false, timeline: false };
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i];
    const before = tokens[i - 1];
    const set = t.kind === 'option' ? setter(RUN, t) : undefined;
    if (set && t.kind === 'option') set(out, t);
    else if (t.kind === 'positional' && before.kind === 'option' && before.rawName === '--lock' && before.value === undefined && isLockMode(t.value)) out.params.lock = t.value;
    else throw new CliArgError(t.kind === 'positional' ? `unexpected argument "${t.value}"` : `unknown flag "${typed(t, args)}"`);
  }
  return out;
}

export function parseCliArgs(argv: string[]): CliCommand {
  const own = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (argv.length === 0 || own.includes('--help') || own.includes('-h') || argv[0] === 'help') return { cmd: 'help' };
  const [command, ...rest] = argv;
  if (command === 'trace') return parseTrace(rest);
  if (command === 'run') return parseRun(rest);
  if (command !== 'list') throw new CliArgError(`unknown command "${command}" (expected trace, run or list)`);
  const out = { cmd: 'list' as const, json: false };
  for (const t of split(rest)) {
    if (t.kind === 'option' && t.rawName === '--json') out.json = switchOn(t);
    else throw new CliArgError(`list takes no argument "${typed(t, rest)}"`);
  }
  return out;
}
