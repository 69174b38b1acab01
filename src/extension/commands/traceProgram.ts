/**
 * Trace This Program: runs the file in the editor (or the one a menu names) as it is, in its
 * workspace folder, with the arguments typed for it or the `concurrencyLab.programArgs` setting,
 * and shows what every thread did in the demo panel. "…with Arguments" asks for the arguments first
 * and remembers them for that file. Trusted workspaces only: it runs the workspace's own code.
 * Tracing a learner's copy of a lesson program that they edited completes that section's
 * "change one thing" walkthrough step.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isRecord } from '../../shared/guards';
import type { Trace } from '../../shared/trace';
import { judgeTracedCopy, type TracedCopy } from '../learnerCopies';
import { learnerRootPaths } from '../learnerFolders';
import type { LessonProgress } from '../lessonProgress';
import { chooseArgsLine, ProgramArgsMemory, splitArgs, type ArgsProblem, type ArgsSource } from '../run/programArgs';
import { programRuntime } from '../run/programFile';
import type { RunOutcome } from '../run/runController';
import type { RunSession } from '../run/runSession';

export const TRACE_PROGRAM = 'concurrencyLab.traceProgram';
export const TRACE_PROGRAM_WITH_ARGS = 'concurrencyLab.traceProgramWithArgs';

/** The longest timeout a link may set; longer runs use the setting. */
const MAX_LINK_TIMEOUT_S = 600;

/** Lines of a failing program's output copied to the log (the panel has all of it). */
const LOGGED_OUTPUT_LINES = 40;

function problemText(problem: ArgsProblem): string {
  switch (problem) {
    case 'unclosed-single-quote':
      return vscode.l10n.t('A single quote is not closed.');
    case 'unclosed-double-quote':
      return vscode.l10n.t('A double quote is not closed.');
    case 'trailing-backslash':
      return vscode.l10n.t('The line ends with a backslash.');
  }
}

/** The program's folder to run in: its workspace folder, else the folder the file is in. */
function workingFolder(file: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(file);
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : path.dirname(file.fsPath);
}

export class TraceProgramCommands {
  private readonly memory: ProgramArgsMemory;

  constructor(
    private readonly context: Pick<vscode.ExtensionContext, 'workspaceState' | 'globalStorageUri' | 'extensionPath'>,
    private readonly session: RunSession,
    private readonly log: vscode.LogOutputChannel,
    private readonly progress?: LessonProgress,
  ) {
    this.memory = new ProgramArgsMemory(context.workspaceState);
  }

  register(): vscode.Disposable[] {
    // Menus pass the file first; a second argument `{ args: "…", timeoutSeconds: N }` (a link, a
    // test) sets the arguments and a timeout shorter than the setting's.
    return [
      vscode.commands.registerCommand(TRACE_PROGRAM, (target?: unknown, options?: unknown) => this.trace(target, options, false)),
      vscode.commands.registerCommand(TRACE_PROGRAM_WITH_ARGS, (target?: unknown, options?: unknown) => this.trace(target, options, true)),
    ];
  }

  async trace(target: unknown, options: unknown, ask: boolean): Promise<RunOutcome | undefined> {
    if (!vscode.workspace.isTrusted) return this.explainRestricted();
    const uri = target instanceof vscode.Uri ? target : this.editorProgram();
    if (!uri) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a Python or Node program (.py, .mjs, .js or .cjs) in the editor, then trace it.'));
      return undefined;
    }
    const name = path.posix.basename(uri.path);
    const runtime = programRuntime(uri.path);
    if (!runtime) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} is not a program Concurrency Lab can trace: it runs .py files with Python and .mjs, .js and .cjs files with Node.', name));
      return undefined;
    }
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(vscode.l10n.t('Your program must be on this machine\'s disk to run: {0}', uri.toString(true)));
      return undefined;
    }
    if (!(await this.saved(uri, name))) return undefined;
    // Judged on the text being traced: edits made while it runs belong to the next run.
    const copy = await this.learnerCopy(uri);
    const given = isRecord(options) && typeof options.args === 'string' ? options.args : undefined;
    const chosen = await this.argsLine(uri, name, given, ask);
    if (!chosen) return undefined;
    const split = splitArgs(chosen.line);
    if (!split.ok) {
      // Only the setting can hold a line that does not split: typed and given lines are checked first.
      const open = vscode.l10n.t('Open Settings');
      void vscode.window
        .showErrorMessage(vscode.l10n.t('Concurrency Lab › Program Args cannot be split into arguments: {0}', problemText(split.problem)), open)
        .then((choice) => choice === open && vscode.commands.executeCommand('workbench.action.openSettings', 'concurrencyLab.programArgs'));
      return undefined;
    }
    this.log.info(`trace ${name}: arguments ${JSON.stringify(split.args)} (from ${chosen.source})`);
    const timeout = isRecord(options) ? options.timeoutSeconds : undefined;
    const timeoutMs = typeof timeout === 'number' && timeout >= 1 && timeout <= MAX_LINK_TIMEOUT_S ? timeout * 1000 : undefined;
    const outcome = await this.session.traceProgram({ file: uri.fsPath, args: split.args, cwd: workingFolder(uri), runtime, timeoutMs });
    if (outcome?.ok) this.reportEnd(outcome.trace, name);
    // A run the learner stopped still ran their edit (the daemon experiment never ends by itself).
    const ran = outcome && (outcome.ok || (outcome.kind === 'cancelled' && outcome.trace !== undefined));
    if (ran && copy?.edited) await this.progress?.completeChange(copy.program.section);
    return outcome;
  }

  /** Whose copy of a lesson program the file is, and whether it was edited; undefined for any other file. */
  private async learnerCopy(uri: vscode.Uri): Promise<TracedCopy | undefined> {
    const read = (file: string) => readFile(file, 'utf8').catch(() => undefined);
    const text = await read(uri.fsPath);
    if (text === undefined) return undefined;
    const copy = await judgeTracedCopy({
      file: uri.fsPath,
      text,
      roots: learnerRootPaths(this.context.globalStorageUri),
      shippedDir: path.join(this.context.extensionPath, 'media', 'programs'),
      read,
    });
    if (copy) this.log.info(`trace ${path.basename(uri.fsPath)}: the learner's copy of ${copy.program.runtime}/${copy.program.file} (${copy.program.section}), ${copy.edited ? 'edited' : 'not edited'}`);
    return copy;
  }

  /** The active editor's file; else the only program among the visible editors (a walkthrough may have focus). */
  private editorProgram(): vscode.Uri | undefined {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active) return active;
    const programs = vscode.window.visibleTextEditors.map((e) => e.document.uri).filter((u) => programRuntime(u.path));
    return programs.length === 1 ? programs[0] : undefined;
  }

  /** Saves unsaved edits first: the run must be of what the learner sees. */
  private async saved(uri: vscode.Uri, name: string): Promise<boolean> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc?.isDirty || (await doc.save())) return true;
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} could not be saved, so it was not traced.', name));
    return false;
  }

  /** The argument line for this run, or undefined when the learner dismissed the prompt. */
  private async argsLine(uri: vscode.Uri, name: string, given: string | undefined, ask: boolean): Promise<{ line: string; source: ArgsSource } | undefined> {
    const key = uri.toString();
    if (given !== undefined) {
      const split = splitArgs(given);
      if (!split.ok) {
        void vscode.window.showErrorMessage(problemText(split.problem));
        return undefined;
      }
      await this.memory.set(key, given.trim());
      return { line: given.trim(), source: 'file' };
    }
    const chosen = chooseArgsLine(this.memory.get(key), vscode.workspace.getConfiguration('concurrencyLab', uri).get<unknown>('programArgs'));
    if (!ask) return chosen;
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Trace {0} with Arguments', name),
      prompt: vscode.l10n.t('The arguments {0} gets, as on a command line (quotes keep spaces). Remembered for this file; empty means none.', name),
      placeHolder: '--input data.txt -n 3',
      value: chosen.line,
      ignoreFocusOut: true,
      validateInput: (value) => {
        const split = splitArgs(value);
        return split.ok ? undefined : problemText(split.problem);
      },
    });
    if (typed === undefined) return undefined;
    await this.memory.set(key, typed.trim());
    return { line: typed.trim(), source: 'file' };
  }

  /** A run that timed out is worth a notice; a failing program's last lines go to the log. */
  private reportEnd(trace: Trace, name: string): void {
    const variant = trace.variants[0];
    if (!variant) return;
    if (variant.stuck) {
      const seconds = Math.round((this.session.lastTraceSpec?.timeoutMs ?? 0) / 1000);
      void vscode.window.showWarningMessage(
        vscode.l10n.t('{0} was still running after {1} s, so it was stopped. The panel shows where each thread was waiting.', name, seconds),
      );
    }
    if (variant.exitCode !== 0 && variant.output?.length) {
      const lines = variant.output.map((c) => c.text).join('').trimEnd().split('\n').slice(-LOGGED_OUTPUT_LINES);
      this.log.warn(`${name} exited with ${variant.exitCode ?? variant.signal ?? 'no exit code'}; its last output:\n${lines.join('\n')}`);
    }
  }

  private async explainRestricted(): Promise<undefined> {
    const manage = vscode.l10n.t('Manage Workspace Trust');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Trace This Program is not available in Restricted Mode, because it runs code from this workspace. Trust the workspace to use it; the built-in demos still run.'),
      manage,
    );
    if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return undefined;
  }
}
