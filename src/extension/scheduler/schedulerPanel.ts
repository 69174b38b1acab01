/**
 * "Be the Scheduler": a panel where the learner picks which thread of a real Python program runs
 * its next line. The panel (webview) shows and asks; this side starts the driver through the engine
 * (one session at a time, ended when another starts or the panel closes), relays its checked
 * messages, and runs batches (random schedules, every reachable state).
 */
import * as vscode from 'vscode';
import { runSchedules, SchedulerSession } from '../../engine';
import { findLevel, goalReached, type SchedulerLevel, type StateMessage } from '../../shared/scheduler';
import { parseFromSchedulerView, type FromSchedulerView, type ToSchedulerView } from '../../shared/schedulerProtocol';
import { buildPanelHtml } from '../panel/panelHtml';

export const SCHEDULER_VIEW_TYPE = 'concurrencyLab.scheduler';

/** What the panel needs from the rest of the extension. */
export interface SchedulerBackend {
  /** The interpreter to run with, or why there is none. */
  python(): Promise<{ ok: true; executable: string } | { ok: false; error: string }>;
  /** The file a level runs: the learner's copy when one exists (and may be run), else the shipped one. */
  programOf(level: SchedulerLevel): Promise<string>;
  /** Opens the level's program for editing (making the learner's copy on first use), at a line. */
  openProgram(level: SchedulerLevel, line?: number): Promise<void>;
  /** A level's goal was reached in this panel (walkthrough steps complete on it). */
  goalReached(level: SchedulerLevel): void;
}

export class SchedulerPanel implements vscode.Disposable {
  private session: SchedulerSession | undefined;
  private run = 0;
  private batch: AbortController | undefined;
  private level: SchedulerLevel;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** The latest state the driver reported, for the extension-host tests. */
  lastState: StateMessage | undefined;
  private readonly onDidDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDidDisposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    level: SchedulerLevel,
    private readonly backend: SchedulerBackend,
    private readonly extensionRoot: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.level = level;
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    panel.webview.html = buildPanelHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'schedulerView.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'schedulerView.css')).toString(),
      language: vscode.env.language,
      title: vscode.l10n.t('Be the Scheduler'),
    });
    this.disposables.push(
      this.onDidDisposeEmitter,
      panel.webview.onDidReceiveMessage((msg: unknown) => void this.receive(msg)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get levelId(): string {
    return this.level.id;
  }

  /** How many runs this panel has started (the current one's number). */
  get runNumber(): number {
    return this.run;
  }

  /** Shows another level: the webview starts it when it is ready. */
  showLevel(level: SchedulerLevel): void {
    this.level = level;
    void this.stopSession();
    this.post({ type: 'init', strings: { ...(vscode.l10n.bundle ?? {}) }, locale: vscode.env.language, level: level.id });
    this.panel.reveal(undefined, false);
  }

  private post(message: ToSchedulerView): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message).then(undefined, (err: unknown) => this.log.warn(`could not post "${message.type}" to the scheduler panel: ${String(err)}`));
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseFromSchedulerView(raw);
    if (!parsed.ok) {
      this.log.warn(`ignored a malformed message from the scheduler panel: ${parsed.error}`);
      return;
    }
    try {
      await this.handle(parsed.value);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`scheduler panel "${parsed.value.type}" failed: ${message}`);
      this.post({ type: 'error', message });
    }
  }

  private async handle(message: FromSchedulerView): Promise<void> {
    switch (message.type) {
      case 'ready': {
        const python = await this.backend.python();
        this.post({ type: 'init', strings: { ...(vscode.l10n.bundle ?? {}) }, locale: vscode.env.language, level: this.level.id, unavailable: python.ok ? undefined : python.error });
        return;
      }
      case 'start':
        return this.start(findLevel(message.level)!, message.bytecode, message.schedule);
      case 'step':
        if (message.run === this.run) this.session?.step(message.thread);
        return;
      case 'batch':
        return this.runBatch(findLevel(message.level)!, message.bytecode, message.mode, message.runs);
      case 'open':
        return this.backend.openProgram(findLevel(message.level)!, message.line);
    }
  }

  private async start(level: SchedulerLevel, bytecode: boolean, schedule?: string[]): Promise<void> {
    await this.stopSession();
    this.level = level;
    const python = await this.backend.python();
    if (!python.ok) {
      this.post({ type: 'error', message: python.error });
      return;
    }
    const file = await this.backend.programOf(level);
    const run = ++this.run;
    const session = new SchedulerSession({ python: python.executable, program: file, extensionRoot: this.extensionRoot, bytecode, schedule });
    this.session = session;
    session.onMessage((m) => {
      if (run !== this.run) return;
      if (m.type === 'state') {
        this.lastState = m;
        this.post({ type: 'state', run, state: m });
        if (m.status !== 'running' && goalReached(level, m)) this.backend.goalReached(level);
      } else if (m.type === 'end') this.post({ type: 'end', run, end: m });
      else if (m.type === 'error') this.post({ type: 'error', message: m.message });
    });
    const hello = await session.hello.catch((err: unknown) => {
      this.post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      return undefined;
    });
    if (hello && run === this.run) this.post({ type: 'started', run, level: level.id, bytecode, file, hello });
    this.log.info(`scheduler: ${level.id} (${bytecode ? 'bytecode' : 'lines'}) with ${python.executable} on ${file}`);
  }

  private async runBatch(level: SchedulerLevel, bytecode: boolean, mode: 'random' | 'exhaustive', runs = 1000): Promise<void> {
    this.batch?.abort();
    const batch = new AbortController();
    this.batch = batch;
    const python = await this.backend.python();
    if (!python.ok) {
      this.post({ type: 'error', message: python.error });
      return;
    }
    const program = await this.backend.programOf(level);
    const summary = await runSchedules({
      python: python.executable,
      program,
      extensionRoot: this.extensionRoot,
      bytecode,
      signal: batch.signal,
      ...(mode === 'random' ? { random: { runs } } : { exhaustive: {} }),
    });
    if (!batch.signal.aborted) this.post({ type: 'summary', level: level.id, summary });
  }

  private async stopSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.run++;
    await session?.stop();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.batch?.abort();
    void this.stopSession();
    this.onDidDisposeEmitter.fire();
    this.panel.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

/** Owns the one scheduler panel. */
export class SchedulerPanelManager implements vscode.Disposable {
  private current: SchedulerPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly backend: SchedulerBackend,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get panel(): SchedulerPanel | undefined {
    return this.current;
  }

  show(level: SchedulerLevel): SchedulerPanel {
    if (this.current) {
      // The same level again (a link clicked twice, the palette): back to the run under way.
      if (this.current.levelId === level.id) this.current.panel.reveal(undefined, false);
      else this.current.showLevel(level);
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(SCHEDULER_VIEW_TYPE, vscode.l10n.t('Be the Scheduler'), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
      // A run under way lives in the webview (its log, the learner's choices so far) and in the
      // driver process: a learner who looks at the code in another tab must come back to it, not to
      // a restarted level. The page is small (one program, a few threads).
      retainContextWhenHidden: true,
    });
    const view = new SchedulerPanel(panel, this.extensionUri, level, this.backend, this.extensionUri.fsPath, this.log);
    this.current = view;
    view.onDidDispose(() => {
      if (this.current === view) this.current = undefined;
    });
    return view;
  }

  dispose(): void {
    this.current?.dispose();
    this.current = undefined;
  }
}
