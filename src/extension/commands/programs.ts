/**
 * `concurrencyLab.openProgram` copies a scenario's program (and, for Node, the modules it imports)
 * to the learner's folder and opens it; `concurrencyLab.runMyProgram` runs that
 * copy through the engine. The learner's edits are never overwritten without asking. A new copy
 * speaks VS Code's display language when the program is translated (media/programs/python/zh-cn);
 * the demos themselves always run the originals.
 */
import * as vscode from 'vscode';
import { findExample, type ExampleProgram } from '../../shared/examples';
import { isRecord } from '../../shared/guards';
import { findScenario, PROGRAM_HELPERS, SCENARIO_IDS, type ScenarioInfo } from '../../shared/scenarios';
import { isRuntime, RUNTIMES, type Runtime } from '../../shared/trace';
import { FILE_EXTENSION, isEdited, shippedOriginals, shippedProgram } from '../learnerCopies';
import { learnerRoot } from '../learnerFolders';
import { stepOfArgs, type LessonProgress } from '../lessonProgress';
import type { RunOutcome } from '../run/runController';
import type { RunSession } from '../run/runSession';
import { pickScenario } from './pickers';

export class ProgramCommands {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly session: RunSession,
    private readonly progress: LessonProgress,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('concurrencyLab.openProgram', (args?: unknown) => this.openProgram(args)),
      vscode.commands.registerCommand('concurrencyLab.runMyProgram', (args?: unknown) => this.runMyProgram(args)),
      vscode.commands.registerCommand('concurrencyLab.resetProgram', (args?: unknown) => this.resetProgram(args)),
    ];
  }

  /** Where learners' copies live: the trusted workspace's `concurrency-lab/`, else private storage. */
  private learnerRoot(): vscode.Uri {
    return learnerRoot(this.context.globalStorageUri);
  }

  /**
   * The original a new copy is made from: in the display language when the program is translated,
   * else (a program added without its translation yet) the English one.
   */
  private async readShipped(language: Runtime, fileName: string): Promise<Uint8Array> {
    const programs = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'programs');
    const localized = await readIfExists(vscode.Uri.joinPath(programs, ...shippedProgram(language, fileName, vscode.env.language)));
    return localized ?? vscode.workspace.fs.readFile(vscode.Uri.joinPath(programs, language, fileName));
  }

  /** Whether the learner changed their copy: it differs from the original in every language. */
  private async isEditedCopy(copy: Uint8Array, language: Runtime, fileName: string): Promise<boolean> {
    const programs = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'programs');
    const originals = await Promise.all(
      shippedOriginals(language, fileName).map(async (segments) => {
        const bytes = await readIfExists(vscode.Uri.joinPath(programs, ...segments));
        return bytes && decodeText(bytes);
      }),
    );
    return isEdited(decodeText(copy), originals);
  }

  private copyUri(scenario: ScenarioInfo, language: Runtime): vscode.Uri {
    return vscode.Uri.joinPath(this.learnerRoot(), language, `${scenario.id}.${FILE_EXTENSION[language]}`);
  }

  private async target(args: unknown, placeHolder: string): Promise<{ scenario: ScenarioInfo; language?: Runtime } | undefined> {
    const given = isRecord(args) ? args : {};
    const language = isRuntime(given.language) ? given.language : undefined;
    if (given.language !== undefined && !language) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Unknown program language {0}: use "python" or "node".', JSON.stringify(given.language) ?? ''));
      return undefined;
    }
    if (given.scenario === undefined) {
      const picked = await pickScenario(placeHolder);
      return picked && { scenario: picked, language };
    }
    const scenario = typeof given.scenario === 'string' ? findScenario(given.scenario) : undefined;
    if (!scenario) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Unknown scenario {0}. Known scenarios: {1}.', JSON.stringify(given.scenario) ?? 'undefined', SCENARIO_IDS.join(', ')),
      );
      return undefined;
    }
    return { scenario, language };
  }

  /** The language when none was given: the runtime setting, Python for `auto`. */
  private defaultLanguage(): Runtime {
    return vscode.workspace.getConfiguration('concurrencyLab').get('runtime') === 'node' ? 'node' : 'python';
  }

  async openProgram(args?: unknown): Promise<vscode.Uri | undefined> {
    if (isRecord(args) && args.example !== undefined) return this.openExample(args);
    const target = await this.target(args, vscode.l10n.t('Choose the program to open'));
    if (!target) return undefined;
    const { scenario } = target;
    const language = target.language ?? this.defaultLanguage();
    const fileName = `${scenario.id}.${FILE_EXTENSION[language]}`;
    const copy = await this.copyAndOpen(language, fileName, this.copyUri(scenario, language));
    if (!copy) return undefined;
    await this.progress.record(scenario.section, 'opened');
    await this.completeStepOf(args, scenario);
    return copy;
  }

  /** An example program of a section (not a scenario): copied like the demos, then opened. */
  private async openExample(args: Record<string, unknown>): Promise<vscode.Uri | undefined> {
    const example: ExampleProgram | undefined = findExample(args.example);
    if (!example) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Unknown example program {0}.', JSON.stringify(args.example) ?? ''));
      return undefined;
    }
    const copy = await this.copyAndOpen(example.language, example.file, vscode.Uri.joinPath(this.learnerRoot(), example.language, example.file));
    const step = stepOfArgs(args);
    if (copy && step && step.section === example.section) await this.progress.completeStep(step);
    return copy;
  }

  /**
   * Puts the original back in place of the learner's copy (a scenario's program, or an example), after
   * asking: their edits are lost. The command for "I broke it, start again" — opening the program
   * never replaces an edited copy by itself.
   */
  async resetProgram(args?: unknown): Promise<vscode.Uri | undefined> {
    const example = isRecord(args) && args.example !== undefined ? findExample(args.example) : undefined;
    if (isRecord(args) && args.example !== undefined && !example) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Unknown example program {0}.', JSON.stringify(args.example) ?? ''));
      return undefined;
    }
    let language: Runtime;
    let fileName: string;
    let copy: vscode.Uri;
    if (example) {
      ({ language, file: fileName } = example);
      copy = vscode.Uri.joinPath(this.learnerRoot(), language, fileName);
    } else {
      const target = await this.target(args, vscode.l10n.t('Choose the program to reset to the original'));
      if (!target) return undefined;
      language = target.language ?? this.defaultLanguage();
      fileName = `${target.scenario.id}.${FILE_EXTENSION[language]}`;
      copy = this.copyUri(target.scenario, language);
    }
    const shippedDir = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'programs', language);
    try {
      // The original in today's display language: resetting is how a learner gets a copy in the other one.
      const shipped = await this.readShipped(language, fileName);
      const existing = await readIfExists(copy);
      if (existing && (await this.isEditedCopy(existing, language, fileName))) {
        const reset = vscode.l10n.t('Reset');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('Replace your copy of {0} with the original? Your changes to it will be lost.', fileName),
          { modal: true },
          reset,
        );
        if (choice !== reset) return undefined;
      }
      await this.copyHelpers(shippedDir, vscode.Uri.joinPath(copy, '..'), language);
      await vscode.workspace.fs.writeFile(copy, shipped);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.log.error(`resetProgram ${language}/${fileName}: ${reason}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not open the program {0}: {1}', fileName, reason));
      return undefined;
    }
    this.log.info(`reset ${copy.toString(true)} to the original`);
    await vscode.window.showTextDocument(copy, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    return copy;
  }

  /** Copies a shipped program (and its helpers) to `copy`, asking before replacing the learner's edits, and opens it. */
  private async copyAndOpen(language: Runtime, fileName: string, copy: vscode.Uri): Promise<vscode.Uri | undefined> {
    const shippedDir = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'programs', language);
    try {
      const shipped = await this.readShipped(language, fileName);
      await this.copyHelpers(shippedDir, vscode.Uri.joinPath(copy, '..'), language);
      const existing = await readIfExists(copy);
      // A copy keeps the language it was made in: an unedited one opens as it is, an edited one is
      // replaced only when the learner says so.
      if (!existing) {
        await vscode.workspace.fs.writeFile(copy, shipped);
        this.log.info(`copied ${fileName} (${vscode.env.language}) to ${copy.toString(true)}`);
      } else if (await this.isEditedCopy(existing, language, fileName)) {
        const replace = vscode.l10n.t('Replace with Original');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('You have already edited {0}. Open your copy, or replace it with the original?', fileName),
          vscode.l10n.t('Open My Copy'),
          replace,
        );
        if (choice === replace) await vscode.workspace.fs.writeFile(copy, shipped);
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.log.error(`openProgram ${language}/${fileName}: ${reason}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not open the program {0}: {1}', fileName, reason));
      return undefined;
    }
    await vscode.window.showTextDocument(copy, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    this.log.info(`opened ${copy.toString(true)}`);
    return copy;
  }

  /**
   * Copies the helpers a program imports: the Python programs are plain lesson code and import none
   * (the engine loads the tracer itself); the Node ones import modules beside them. They must match
   * the engine of this version, so they are refreshed when they differ.
   */
  private async copyHelpers(shippedDir: vscode.Uri, copyDir: vscode.Uri, language: Runtime): Promise<void> {
    for (const name of PROGRAM_HELPERS[language]) {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(shippedDir, name));
      const dest = vscode.Uri.joinPath(copyDir, name);
      const existing = await readIfExists(dest);
      if (existing && sameBytes(existing, bytes)) continue;
      if (existing) this.log.info(`refreshing ${dest.toString(true)} to match this version of the extension`);
      await vscode.workspace.fs.writeFile(dest, bytes);
    }
  }

  async runMyProgram(args?: unknown): Promise<RunOutcome | undefined> {
    if (!vscode.workspace.isTrusted) {
      const manage = vscode.l10n.t('Manage Workspace Trust');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('Running your own copy of a program is not available in Restricted Mode, because it runs code from this workspace. Trust the workspace to use it; the built-in demos still run.'),
        manage,
      );
      if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    // From the editor title button: the file itself is the program (its name says the scenario).
    if (args instanceof vscode.Uri) return this.runFile(args);
    const target = await this.target(args, vscode.l10n.t('Choose the program of yours to run'));
    if (!target) return undefined;
    const { scenario } = target;
    const first = target.language ?? this.defaultLanguage();
    const candidates = target.language ? [first] : [first, ...RUNTIMES.filter((r) => r !== first)];
    let found: { uri: vscode.Uri; language: Runtime } | undefined;
    for (const language of candidates) {
      const uri = this.copyUri(scenario, language);
      if (await readIfExists(uri)) {
        found = { uri, language };
        break;
      }
    }
    if (!found) {
      const open = vscode.l10n.t('Open Program');
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t('You have no copy of this program yet. Open the program first, edit it, then run it.'),
        open,
      );
      if (choice === open) await this.openProgram({ scenario: scenario.id, language: candidates[0] });
      return undefined;
    }
    const outcome = await this.runCopy(scenario, found.language, found.uri);
    if (outcome?.ok) await this.completeStepOf(args, scenario);
    return outcome;
  }

  /** Completes the walkthrough step whose link called the command, if it belongs to this scenario. */
  private async completeStepOf(args: unknown, scenario: ScenarioInfo): Promise<void> {
    const step = stepOfArgs(args);
    if (step && step.section === scenario.section) await this.progress.completeStep(step);
  }

  private async runFile(uri: vscode.Uri): Promise<RunOutcome | undefined> {
    const match = /^([a-z]+)\.(py|mjs)$/.exec(uri.path.split('/').pop() ?? '');
    const scenario = match ? findScenario(match[1]) : undefined;
    if (!match || !scenario) {
      void vscode.window.showErrorMessage(vscode.l10n.t('This file is not one of the demo programs: {0}', uri.toString(true)));
      return undefined;
    }
    return this.runCopy(scenario, match[2] === 'py' ? 'python' : 'node', uri);
  }

  private async runCopy(scenario: ScenarioInfo, language: Runtime, uri: vscode.Uri): Promise<RunOutcome | undefined> {
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(vscode.l10n.t('Your program must be on this machine\'s disk to run: {0}', uri.toString(true)));
      return undefined;
    }
    // Run what the learner sees: unsaved edits are saved first.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open?.isDirty) await open.save();
    return this.session.run({ scenario: scenario.id, runtime: language }, { programPath: uri.fsPath });
  }
}

async function readIfExists(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch {
    return undefined;
  }
}

function decodeText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
