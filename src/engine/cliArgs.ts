/**
 * The CLI's argument parser. Every mistake becomes a CliArgError whose message names the flag or
 * value at fault (the CLI exits 2 with it). Ranges are checked later by validateParams, whose
 * messages name the parameter too.
 */
import { MAX_REPEAT } from '../shared/protocol';
import type { Runtime } from '../shared/trace';

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
  if (v !== 'node' && v !== 'python') throw new CliArgError(`${flag} must be node or python, got "${v}"`);
  return v;
}

/** The flags `trace` and `run` share. Returns false when `flag` is not one of them. */
interface SharedFlags {
  runtime?: Runtime;
  pythonPath?: string;
  timeoutMs?: number;
  json: boolean;
  traceFile?: string;
  timeline: boolean;
}

function sharedFlag(flag: string, take: (flag: string) => string, out: SharedFlags): boolean {
  switch (flag) {
    case '--runtime':
      out.runtime = runtimeArg(flag, take(flag));
      return true;
    case '--python':
      out.pythonPath = take(flag);
      return true;
    case '--timeout':
      out.timeoutMs = timeoutMs(flag, take(flag));
      return true;
    case '--json':
      out.json = true;
      return true;
    case '--timeline':
      out.timeline = true;
      return true;
    case '--trace':
      out.traceFile = take(flag);
      return true;
    default:
      return false;
  }
}

/**
 * `trace FILE [flags] [-- ARGS…]`: our flags come before `--` (or before FILE); everything after
 * `--`, and any plain word after FILE, goes to the program untouched.
 */
function parseTrace(argv: string[]): Extract<CliCommand, { cmd: 'trace' }> {
  const dashDash = argv.indexOf('--');
  const ours = dashDash >= 0 ? argv.slice(0, dashDash) : argv;
  const programArgs = dashDash >= 0 ? argv.slice(dashDash + 1) : [];
  const rest = tokens(ours);
  let file: string | undefined;
  const out: Omit<Extract<CliCommand, { cmd: 'trace' }>, 'file' | 'args'> = { cmd: 'trace', json: false, timeline: false };
  const extra: string[] = [];
  const take = (flag: string): string => {
    const v = rest.shift();
    if (v === undefined || v.startsWith('--')) throw new CliArgError(`${flag} needs a value`);
    return v;
  };
  while (rest.length) {
    const a = rest.shift() as string;
    if (sharedFlag(a, take, out)) continue;
    if (a.startsWith('-') && a !== '-') {
      throw new CliArgError(`unknown flag "${a}" (the program's own arguments go after "--", e.g. trace app.py -- ${a})`);
    }
    if (file === undefined) file = a;
    else extra.push(a);
  }
  if (file === undefined) throw new CliArgError('trace needs a program file, e.g. "trace app.py"');
  return { ...out, file, args: [...extra, ...programArgs] };
}

/** Splits `--flag=value` into two tokens so both spellings work. */
function tokens(argv: string[]): string[] {
  return argv.flatMap((a) => {
    const eq = a.indexOf('=');
    return a.startsWith('--') && eq > 2 ? [a.slice(0, eq), a.slice(eq + 1)] : [a];
  });
}

export function parseCliArgs(argv: string[]): CliCommand {
  const args = tokens(argv);
  const ownArgs = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (args.length === 0 || ownArgs.includes('--help') || ownArgs.includes('-h') || args[0] === 'help') return { cmd: 'help' };
  if (argv[0] === 'trace') return parseTrace(argv.slice(1));
  const [command, ...rest] = args;
  if (command === 'list') {
    const extra = rest.filter((a) => a !== '--json');
    if (extra.length) throw new CliArgError(`list takes no argument "${extra[0]}"`);
    return { cmd: 'list', json: rest.includes('--json') };
  }
  if (command !== 'run') throw new CliArgError(`unknown command "${command}" (expected trace, run or list)`);
  const scenario = rest.shift();
  if (!scenario || scenario.startsWith('-')) throw new CliArgError('run needs a scenario, e.g. "run gil" (see "list")');
  const out: Extract<CliCommand, { cmd: 'run' }> = { cmd: 'run', scenario, params: {}, json: false, timeline: false };
  const take = (flag: string): string => {
    const v = rest.shift();
    if (v === undefined || (v.startsWith('--') && !NUMBER.test(v))) throw new CliArgError(`${flag} needs a value`);
    return v;
  };
  while (rest.length) {
    const flag = rest.shift() as string;
    switch (flag) {
      case '--program':
        out.programPath = take(flag);
        break;
      case '--threads':
      case '--tasks':
      case '--scale':
        out.params[flag.slice(2)] = number(flag, take(flag));
        break;
      case '--lock':
        // `--lock` alone means "with the lock"; `--lock both|on|off` is accepted too
        out.params.lock = ['both', 'on', 'off'].includes(rest[0] ?? '') ? rest.shift() : 'on';
        break;
      case '--no-lock':
        out.params.lock = 'off';
        break;
      case '--repeat':
        out.repeat = repeatArg(flag, take(flag));
        break;
      case '--pools': {
        const v = take(flag);
        out.params.pools = v.split(',').map((p) => number('--pools', p.trim()));
        break;
      }
      default:
        if (!sharedFlag(flag, take, out)) throw new CliArgError(flag.startsWith('-') ? `unknown flag "${flag}"` : `unexpected argument "${flag}"`);
    }
  }
  return out;
}
