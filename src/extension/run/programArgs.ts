/**
 * A traced program's arguments: typed by the learner as one line, as on a command line, kept per
 * file, and split into the words the program receives. No `vscode` here (the store is passed in),
 * so every rule is unit-tested in plain Node.
 *
 * Splitting follows a POSIX shell's quoting and nothing else: blanks separate words, '…' keeps
 * everything inside, "…" keeps everything but the escapes \" \\ \$ \`, and a backslash outside quotes
 * keeps the next character. No variables, globs or redirections: the program gets exactly the words.
 * One rule on every OS, so a remembered line means the same wherever the workspace is opened.
 */

/** Why a line could not be split (the extension words it in the learner's language). */
export type ArgsProblem = 'unclosed-single-quote' | 'unclosed-double-quote' | 'trailing-backslash';

export type SplitArgs = { ok: true; args: string[] } | { ok: false; problem: ArgsProblem };

const BLANK = /[ \t\r\n]/;
/** Characters a backslash escapes inside double quotes, as in a POSIX shell. */
const DOUBLE_QUOTED_ESCAPES = new Set(['"', '\\', '$', '`']);

export function splitArgs(line: string): SplitArgs {
  const args: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (BLANK.test(c)) {
      if (inWord) args.push(word);
      word = '';
      inWord = false;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { ok: false, problem: 'unclosed-single-quote' };
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && DOUBLE_QUOTED_ESCAPES.has(line[j + 1])) j++;
        word += line[j];
      }
      if (j >= line.length) return { ok: false, problem: 'unclosed-double-quote' };
      inWord = true;
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return { ok: false, problem: 'trailing-backslash' };
      word += line[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) args.push(word);
  return { ok: true, args };
}

/** Words written back as a line `splitArgs` turns into the same words (for logs and prompts). */
export function joinArgs(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Where a run's arguments came from. */
export type ArgsSource = 'file' | 'setting' | 'none';

/**
 * The line a run uses: what the learner last typed for this file, else the
 * `concurrencyLab.programArgs` setting, else nothing. The file's own answer wins because it is the
 * more specific one; an empty answer is kept too (it means "no arguments", even when the setting has some).
 */
export function chooseArgsLine(remembered: string | undefined, setting: unknown): { line: string; source: ArgsSource } {
  if (remembered !== undefined) return { line: remembered, source: 'file' };
  if (typeof setting === 'string' && setting.trim()) return { line: setting.trim(), source: 'setting' };
  return { line: '', source: 'none' };
}

/** The part of `vscode.Memento` the memory needs. */
export interface ArgsStore {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** Files remembered at most: the oldest answer is dropped first (workspace state stays small). */
export const MAX_REMEMBERED_FILES = 100;
const KEY = 'concurrencyLab.programArgs';

/** The argument line typed for each file, kept in the workspace's state under the file's URI. */
export class ProgramArgsMemory {
  constructor(private readonly store: ArgsStore) {}

  private all(): [string, string][] {
    const raw = this.store.get(KEY);
    if (!Array.isArray(raw)) return [];
    return raw.filter((e): e is [string, string] => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string');
  }

  get(file: string): string | undefined {
    return this.all().find(([f]) => f === file)?.[1];
  }

  /** Remembers `line` for `file`, as the newest entry. */
  async set(file: string, line: string): Promise<void> {
    const kept = this.all().filter(([f]) => f !== file);
    kept.push([file, line]);
    await this.store.update(KEY, kept.slice(-MAX_REMEMBERED_FILES));
  }
}
