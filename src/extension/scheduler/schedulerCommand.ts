/**
 * The "Be the Scheduler" command (palette and walkthrough links): opens the scheduler panel on a
 * level, and gives the panel what it needs from VS Code — the interpreter (from trusted settings),
 * the level's program (the learner's copy once they opened it), and the walkthrough steps that
 * complete when a level's goal is reached.
 */
import * as vscode from 'vscode';
import { findLevel, LEVELS, SCHEDULER_STEPS, type SchedulerLevel } from '../../shared/scheduler';
import { programLocale } from '../learnerCopies';
import { learnerRoot } from '../learnerFolders';
import type { LessonProgress } from '../lessonProgress';
import type { PythonLocator } from '../run/pythonLocator';
import type { SettingsReader } from '../settings';
import { SchedulerPanelManager, type SchedulerBackend } from './schedulerPanel';

export const BE_THE_SCHEDULER = 'concurrencyLab.beTheScheduler';

/** A level's title for the picker; the panel has its own copy of the texts. */
function levelTitle(level: SchedulerLevel): string {
  switch (level.id) {
    case 'lost-update':
      return vscode.l10n.t('Level 1: lose a deposit');
    case 'with-lock':
      return vscode.l10n.t('Level 2: the same with a lock');
    case 'counter':
      return vscode.l10n.t('Level 3: counter += 1, by bytecode');
    case 'two-locks':
      return vscode.l10n.t('Level 4: two locks, opposite order');
    default:
      return vscode.l10n.t('Level 5: a Lock taken twice');
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export class SchedulerCommand {
  readonly panels: SchedulerPanelManager;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly settings: SettingsReader,
    private readonly python: PythonLocator,
    private readonly progress: LessonProgress,
    log: vscode.LogOutputChannel,
  ) {
    this.panels = new SchedulerPanelManager(context.extensionUri, this.backend(), log);
  }

  /** The shipped level in the display language (Chinese comments and output for a Chinese editor). */
  private shipped(level: SchedulerLevel): vscode.Uri {
    const locale = programLocale('python', vscode.env.language);
    return vscode.Uri.joinPath(this.context.extensionUri, 'media', 'programs', 'python', 'levels', ...(locale ? [locale] : []), level.file);
  }

  private copyOf(level: SchedulerLevel): vscode.Uri {
    return vscode.Uri.joinPath(learnerRoot(this.context.globalStorageUri), 'python', 'levels', level.file);
  }

  private backend(): SchedulerBackend {
    return {
      python: async () => {
        const found = await this.python.locate(this.settings.read().settings.pythonPath);
        return found.ok ? { ok: true, executable: found.python.executable } : { ok: false, error: found.error };
      },
      // Copies live in the workspace only when it is trusted (learnerRoot), so an untrusted
      // workspace's files are never run from here.
      programOf: async (level) => {
        const copy = this.copyOf(level);
        return (await exists(copy)) ? copy.fsPath : this.shipped(level).fsPath;
      },
      openProgram: async (level, line) => {
        const copy = this.copyOf(level);
        if (!(await exists(copy))) await vscode.workspace.fs.writeFile(copy, await vscode.workspace.fs.readFile(this.shipped(level)));
        const at = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
        await vscode.window.showTextDocument(copy, { viewColumn: vscode.ViewColumn.Beside, preview: false, selection: new vscode.Range(at, at) });
      },
      goalReached: (level) => {
        const step = SCHEDULER_STEPS[level.id];
        if (step) void this.progress.completeSchedulerStep(step);
      },
    };
  }

  register(): vscode.Disposable[] {
    return [this.panels, vscode.commands.registerCommand(BE_THE_SCHEDULER, (args?: unknown) => this.open(args))];
  }

  /** `{ level: 'lost-update' }` from a link; from the palette, a level is picked. */
  async open(args?: unknown): Promise<void> {
    const asked = typeof args === 'object' && args !== null ? findLevel((args as { level?: unknown }).level) : undefined;
    const level =
      asked ??
      (
        await vscode.window.showQuickPick(
          LEVELS.map((l) => ({ label: levelTitle(l), level: l })),
          { placeHolder: vscode.l10n.t('Choose a level') },
        )
      )?.level;
    if (level) this.panels.show(level);
  }
}
