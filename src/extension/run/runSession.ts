/**
 * One place where a run is decided and followed: checks the request, merges settings, picks the
 * runtime, asks before replacing a run in progress, shows progress, and hands the result to the
 * panel, the log and the learner's progress. The panel, the commands and the tests all go through it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { programArgs, variantsFor } from '../../engine/variants';
import type { RunRequest, SaveMessage, ToWebview } from '../../shared/protocol';
import { findScenario, SCENARIO_IDS, validateParams, type ScenarioInfo } from '../../shared/scenarios';
import type { Runtime, Trace } from '../../shared/trace';
import type { LessonProgress } from '../lessonProgress';
import { DemoPanelManager, type PanelBackend } from '../panel/demoPanel';
import { saveExport, type ChromeTraceConverter } from '../panel/saveExport';
import { scenarioTitle } from '../sections';
import type { SettingsReader } from '../settings';
import { paramsWithSettings, type LabSettings } from '../settingsModel';
import { failureHint, showFailure } from './failureNotice';
import { localizeProgress } from './progressText';
import type { PythonLocator, PythonLookup } from './pythonLocator';
import { RunController, type RunOutcome, type RunSpec } from './runController';

/** Arguments of `concurrencyLab.runDemo` (and the panel's run button), unchecked. */
export interface RunArgs {
  scenario?: unknown;
  params?: unknown;
  runtime?: unknown;
}

export interface RunOptions {
  /** A learner's edited copy to run instead of the shipped program. */
  programPath?: string;
}

/**
 * Runs kept for the panel: enough to compare, small enough to post. The same rule as the webview's
 * own list (finished runs, plus the partial trace of a failed one; at most 20), so a `save` message's
 * `runIndex` means the same run on both sides.
 */
export const KEPT_RUNS = 20;

/**
 * The command the engine starts per variant, for the log: the interpreter, the program and the flags
 * of the scenario's parameters (src/engine/variants.ts), with the variants it will run in braces.
 */
function commandLine(extensionPath: string, spec: RunSpec, pythonExecutable: string | undefined): string {
  const info = findScenario(spec.scenario);
  const checked = info && validateParams(info, spec.params);
  if (!info || !checked?.ok) return '(parameters not valid)';
  const interpreter = spec.runtime === 'python' ? (pythonExecutable ?? 'python3') : process.execPath;
  const program = spec.programPath ?? path.join(extensionPath, 'media', 'programs', spec.runtime, `${spec.scenario}.${spec.runtime === 'python' ? 'py' : 'mjs'}`);
  const variants = variantsFor(spec.scenario, spec.runtime, checked.params).map((v) => v.id).join('|');
  return [interpreter, program, ...programArgs(`{${variants}}`, checked.params, info.params)].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class RunSession implements PanelBackend, vscode.Disposable {
  readonly panels: DemoPanelManager;
  readonly history: Trace[] = [];
  private runCounter = 0;
  private active: { runId: number; request: RunRequest; lastProgress?: string } | undefined;
  private nodeNoticeShown = false;
  /** For the extension-host tests: what the last run asked for and how it ended. */
  lastSpec: RunSpec | undefined;
  lastOutcome: RunOutcome | undefined;

  constructor(
    private readonly context: Pick<vscode.ExtensionContext, 'extensionUri' | 'extensionPath'>,
    private readonly controller: RunController,
    private readonly settings: SettingsReader,
    private readonly python: PythonLocator,
    private readonly progress: LessonProgress,
    private readonly log: vscode.LogOutputChannel,
    private readonly toChromeTrace?: ChromeTraceConverter,
  ) {
    this.panels = new DemoPanelManager(context.extensionUri, this, log);
  }

  /** Checks and starts a run; resolves when it ends (undefined if it never started). */
  async run(args: RunArgs, options: RunOptions = {}): Promise<RunOutcome | undefined> {
    const checked = this.check(args);
    if (!checked.ok) {
      this.log.error(checked.error);
      void vscode.window.showErrorMessage(checked.error);
      return undefined;
    }
    const { scenario } = checked;
    const { settings } = this.settings.read();
    const params = paramsWithSettings(checked.params, scenario.params, settings);
    const validated = validateParams(scenario, params);
    if (!validated.ok) {
      const message = vscode.l10n.t('The parameters for "{0}" are not valid: {1}', scenarioTitle(scenario), validated.errors.join('; '));
      this.log.error(message);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
    const runtime = await this.chooseRuntime(checked.runtime, settings);
    const python = runtime === 'python' ? await this.python.locate(settings.pythonPath) : undefined;
    if (!(await this.makeRoom())) return undefined;
    // From here to controller.start nothing awaits, so two requests cannot both find the room free.

    const request: RunRequest = { scenario: scenario.id, runtime, params: { ...validated.params } };
    const spec: RunSpec = {
      scenario: scenario.id,
      runtime,
      params: request.params,
      // The interpreter already found and checked, by its real path: a version-manager shim on PATH
      // costs 150–700 ms per start, and the host would check it again.
      pythonPath: python?.ok ? python.python.executable : settings.pythonPath,
      programPath: options.programPath,
      timeoutMs: settings.timeoutSeconds * 1000,
      // The host finds the shipped programs and tracer from here, wherever the bundle runs from.
      extensionRoot: this.context.extensionPath,
    };
    const outcome = await this.execute(scenario, request, spec, python);
    if (outcome.ok) {
      await this.progress.record(scenario.section, 'ran');
      // Any run off the defaults (a parameter, a setting, an edited program) is the step's experiment.
      const changed = JSON.stringify(validated.params) !== JSON.stringify(scenario.defaults) || options.programPath !== undefined;
      if (changed) await this.progress.record(scenario.section, 'changed');
    }
    if (!outcome.ok) {
      showFailure(outcome, spec, this.log, {
        rerunWithNode: () => void this.run({ ...args, runtime: 'node' }, options),
        openProgram: () => void vscode.commands.executeCommand('concurrencyLab.openProgram', { scenario: scenario.id, language: runtime }),
      });
    }
    return outcome;
  }

  private check(
    args: RunArgs,
  ): { ok: true; scenario: ScenarioInfo; params: Record<string, unknown> | undefined; runtime: Runtime | undefined } | { ok: false; error: string } {
    const scenario = typeof args.scenario === 'string' ? findScenario(args.scenario) : undefined;
    if (!scenario) {
      return { ok: false, error: vscode.l10n.t('Unknown scenario {0}. Known scenarios: {1}.', JSON.stringify(args.scenario) ?? 'undefined', SCENARIO_IDS.join(', ')) };
    }
    if (args.params !== undefined && !isRecord(args.params)) {
      return { ok: false, error: vscode.l10n.t('The run parameters must be an object such as {"threads": 4}.') };
    }
    if (args.runtime !== undefined && args.runtime !== 'python' && args.runtime !== 'node') {
      return { ok: false, error: vscode.l10n.t('Unknown runtime {0}: use "python" or "node".', JSON.stringify(args.runtime) ?? '') };
    }
    return { ok: true, scenario, params: args.params, runtime: args.runtime };
  }

  /** The runtime asked for, else the setting; `auto` means Python when one is found, else Node. */
  private async chooseRuntime(explicit: Runtime | undefined, settings: LabSettings): Promise<Runtime> {
    if (explicit) return explicit;
    if (settings.runtime !== 'auto') return settings.runtime;
    const python = await this.python.locate(settings.pythonPath);
    if (python.ok) return 'python';
    this.log.info(`runtime auto: no suitable Python (${python.error}); using Node`);
    if (!this.nodeNoticeShown) {
      this.nodeNoticeShown = true;
      const open = vscode.l10n.t('Open Settings');
      void vscode.window
        .showInformationMessage(vscode.l10n.t('No suitable Python was found, so the demos run on Node. Set Concurrency Lab › Python Path to use Python.'), open)
        .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', 'concurrencyLab.pythonPath'));
    }
    return 'node';
  }

  /** One run at a time: a new one replaces the current one only if the learner agrees. */
  private async makeRoom(): Promise<boolean> {
    while (this.controller.current) {
      const current = this.controller.current;
      const replace = vscode.l10n.t('Cancel and Start');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('A demo is already running. Cancel the current run and start this one?'),
        { modal: true },
        replace,
      );
      if (choice !== replace) return false;
      this.controller.cancel();
      await current.done;
    }
    return true;
  }

  private async execute(scenario: ScenarioInfo, request: RunRequest, spec: RunSpec, python: PythonLookup | undefined): Promise<RunOutcome> {
    this.panels.show();
    const runId = ++this.runCounter;
    this.active = { runId, request };
    this.lastSpec = spec;
    this.post({ type: 'run-started', runId, request });
    this.log.info(
      `run #${runId}: ${scenario.id} on ${spec.runtime}, params ${JSON.stringify(spec.params)}, timeout ${spec.timeoutMs} ms` +
        (python && !python.ok ? `, interpreter not found: ${python.error}` : ''),
    );
    this.log.info(`run #${runId}: command ${commandLine(this.context.extensionPath, spec, python?.ok ? python.python.executable : spec.pythonPath)}`);
    let report: ((message: string) => void) | undefined;
    const run = this.controller.start(spec, (raw) => {
      const message = localizeProgress(raw);
      report?.(message);
      this.log.info(`run #${runId}: ${raw}`);
      if (this.active?.runId === runId) this.active.lastProgress = message;
      this.post({ type: 'run-progress', runId, message });
    });
    const outcome = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Running "{0}" on {1}', scenarioTitle(scenario), spec.runtime === 'python' ? 'Python' : 'Node'),
        cancellable: true,
      },
      (progress, token) => {
        report = (message) => progress.report({ message });
        const onCancel = token.onCancellationRequested(() => this.controller.cancel());
        return run.done.finally(() => onCancel.dispose());
      },
    );
    this.active = undefined;
    this.lastOutcome = outcome;
    const kept = outcome.ok ? outcome.trace : outcome.trace?.variants.length ? outcome.trace : undefined;
    if (kept) {
      this.history.push(kept);
      this.history.splice(0, Math.max(0, this.history.length - KEPT_RUNS));
    }
    if (outcome.ok) {
      const walls = outcome.trace.variants.map((v) => `${v.id} ${(v.wallUs / 1000).toFixed(1)} ms`).join(', ');
      const env = outcome.trace.env;
      const interpreter = outcome.trace.runtime === 'python' ? `Python ${env.python ?? '?'}` : `Node ${env.node}`;
      this.log.info(`run #${runId}: finished in ${outcome.durationMs} ms on ${interpreter}, ${env.cpus} cores: ${walls}`);
      this.post({ type: 'run-result', runId, trace: outcome.trace });
    } else {
      this.post({
        type: 'run-failed',
        runId,
        error: outcome.message,
        hint: failureHint(outcome, spec).hint,
        cancelled: outcome.kind === 'cancelled' || undefined,
        trace: outcome.trace,
      });
    }
    return outcome;
  }

  private post(message: ToWebview): void {
    this.panels.panel?.post(message);
  }

  // ---- PanelBackend -------------------------------------------------------------------------

  async initialState() {
    const { settings } = this.settings.read();
    const python = await this.python.locate(settings.pythonPath);
    const defaultRuntime: Runtime = settings.runtime === 'auto' ? (python.ok ? 'python' : 'node') : settings.runtime;
    const replay: ToWebview[] = [];
    if (this.active) {
      replay.push({ type: 'run-started', runId: this.active.runId, request: this.active.request });
      if (this.active.lastProgress) replay.push({ type: 'run-progress', runId: this.active.runId, message: this.active.lastProgress });
    }
    return { init: { defaultRuntime, pythonAvailable: python.ok, runs: [...this.history] }, replay };
  }

  runRequest(request: RunRequest): void {
    void this.run({ scenario: request.scenario, runtime: request.runtime, params: request.params });
  }

  cancel(): void {
    this.controller.cancel();
  }

  save(message: SaveMessage): Promise<void> {
    return saveExport(message, this.history, this.toChromeTrace, this.log);
  }

  closed(): void {
    if (this.controller.current) this.log.info('panel closed: stopping the run in progress');
    this.controller.stop();
  }

  restoreRuns(runs: Trace[]): void {
    if (this.history.length === 0) this.history.push(...runs.slice(-KEPT_RUNS));
  }

  dispose(): void {
    this.panels.dispose();
    void this.controller.dispose();
  }
}
