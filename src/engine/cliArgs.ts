/**
 * The CLI's argument parser. Every mistake becomes a CliArgError whose message names the flag or
 * value at fault (the CLI exits 2 with it). Ranges are checked later by validateParams, whose
 * messages name the parameter too.
 */
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
    };

export const USAGE = `usage:
  concurrency-lab list [--json]
  concurrency-lab run <scenario> [--runtime node|python] [--python PATH] [--program FILE]
                      [--threads N] [--tasks N] [--scale X] [--lock|--no-lock] [--pools 1,2,4]
                      [--timeout SECONDS] [--json] [--trace FILE] [--timeline]`;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function number(flag: string, value: string): number {
  if (!NUMBER.test(value)) throw new CliArgError(`${flag} expects a number, got "${value}"`);
  return Number(value);
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
  if (args.length === 0 || args.includes('--help') || args.includes('-h') || args[0] === 'help') return { cmd: 'help' };
  const [command, ...rest] = args;
  if (command === 'list') {
    const extra = rest.filter((a) => a !== '--json');
    if (extra.length) throw new CliArgError(`list takes no argument "${extra[0]}"`);
    return { cmd: 'list', json: rest.includes('--json') };
  }
  if (command !== 'run') throw new CliArgError(`unknown command "${command}" (expected list or run)`);
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
      case '--runtime': {
        const v = take(flag);
        if (v !== 'node' && v !== 'python') throw new CliArgError(`--runtime must be node or python, got "${v}"`);
        out.runtime = v;
        break;
      }
      case '--python':
        out.pythonPath = take(flag);
        break;
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
      case '--pools': {
        const v = take(flag);
        out.params.pools = v.split(',').map((p) => number('--pools', p.trim()));
        break;
      }
      case '--timeout': {
        const s = number(flag, take(flag));
        if (!(s > 0)) throw new CliArgError(`--timeout must be more than 0 seconds, got ${s}`);
        out.timeoutMs = Math.round(s * 1000);
        break;
      }
      case '--json':
        out.json = true;
        break;
      case '--timeline':
        out.timeline = true;
        break;
      case '--trace':
        out.traceFile = take(flag);
        break;
      default:
        throw new CliArgError(flag.startsWith('-') ? `unknown flag "${flag}"` : `unexpected argument "${flag}"`);
    }
  }
  return out;
}
