/**
 * The demo panel: one webview showing timing and thread-state charts. The HTML is an empty shell;
 * everything it shows arrives by message after the webview says `ready`, and everything it sends is
 * checked with `parseFromWebview` first. One panel at a time, revealed when it is already open.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseFromWebview, type FromWebview, type InitMessage, type OpenSourceMessage, type RunRequest, type SaveMessage, type ToWebview } from '../../shared/protocol';
import { buildPanelHtml } from './panelHtml';

export const DEMO_VIEW_TYPE = 'concurrencyLab.demo';

/** What the panel needs from the rest of the extension. */
export interface PanelBackend {
  /** The state a (re)loaded webview starts from, and the messages that replay a run still going. */
  initialState(): Promise<{ init: Omit<InitMessage, 'type' | 'strings' | 'locale'>; replay: ToWebview[] }>;
  runRequest(request: RunRequest): void;
  cancel(): void;
  save(message: SaveMessage): Promise<void>;
  /** Open the code a span or a stuck frame points at, if the run it names refers to it. */
  openSource(message: OpenSourceMessage): Promise<void>;
  /** The panel was closed: stop whatever it started. */
  closed(): void;
}

/**
 * Opens a file the resolver accepted at a line, beside the panel, with focus (the learner clicked to
 * read it). A shipped program is made read-only for the session: edits belong in a copy.
 */
export async function openSourceBeside(file: string, line: number, shippedRoot: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const at = new vscode.Position(Math.min(line, document.lineCount) - 1, 0);
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false, selection: new vscode.Range(at, at) });
  const rel = path.relative(shippedRoot, file);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession');
}

export class DemoPanel implements vscode.Disposable {
  private ready = false;
  /** Messages posted while the webview was loading or hidden: delivered after its next `ready` (a run that
   *  ended meanwhile arrives as its result; the webview keeps it from then on). */
  private queue: ToWebview[] = [];
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly onDidDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDidDisposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly backend: PanelBackend,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist, vscode.Uri.joinPath(extensionUri, 'media')] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    panel.webview.html = buildPanelHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      language: vscode.env.language,
      title: vscode.l10n.t('Concurrency Demo'),
    });
    this.disposables.push(
      this.onDidDisposeEmitter,
      panel.webview.onDidReceiveMessage((msg: unknown) => void this.receive(msg)),
      panel.onDidDispose(() => this.dispose()),
      // A hidden webview is torn down (no retainContextWhenHidden) and says `ready` again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  get isReady(): boolean {
    return this.ready;
  }

  reveal(): void {
    // Keep focus where the learner is (a walkthrough step, an editor): the panel only needs to be seen.
    this.panel.reveal(undefined, true);
  }

  /** Sends to a loaded webview, or keeps the message for the next `ready`. */
  post(message: ToWebview): void {
    if (this.disposed) return;
    if (!this.ready) {
      this.queue.push(message);
      // Progress is only interesting while it is new: keep the queue short on long runs.
      if (this.queue.length > 200) this.queue = this.queue.filter((m) => m.type !== 'run-progress');
      return;
    }
    this.send(message);
  }

  private send(message: ToWebview): void {
    void this.panel.webview.postMessage(message).then(
      // Dropped (hidden just before onDidChangeViewState said so): kept for the next `ready`, since the
      // extension has no other copy of a run to send again.
      (delivered) => void (!delivered && !this.disposed && message.type !== 'init' && this.queue.push(message)),
      (err: unknown) => this.log.warn(`could not post "${message.type}" to the panel: ${String(err)}`),
    );
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.log.warn(`ignored a malformed message from the panel: ${parsed.error}`);
      return;
    }
    try {
      await this.handle(parsed.value);
    } catch (err) {
      this.log.error(`panel message "${parsed.value.type}" failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready': {
        // A webview reloads whenever it is hidden and shown again (its runs come back from its own
        // state): each `ready` gets an init. A run whose start is queued is not replayed twice.
        const { init, replay } = await this.backend.initialState();
        const queued = this.queue;
        this.queue = [];
        this.ready = true;
        const startedIds = new Set(queued.map((m) => (m.type === 'run-started' ? m.runId : undefined)));
        this.send({
          type: 'init',
          // The whole runtime bundle, keyed by English text: the webview looks up its own keys.
          strings: { ...(vscode.l10n.bundle ?? {}) },
          locale: vscode.env.language,
          ...init,
        });
        replay.filter((m) => !('runId' in m && startedIds.has(m.runId))).forEach((m) => this.send(m));
        queued.forEach((m) => this.send(m));
        return;
      }
      case 'run':
        return this.backend.runRequest(message.request);
      case 'cancel':
        return this.backend.cancel();
      case 'save':
        return this.backend.save(message);
      case 'open-source':
        return this.backend.openSource(message);
      case 'log': {
        const text = `webview: ${message.message}`;
        if (message.level === 'error') this.log.error(text);
        else if (message.level === 'warn') this.log.warn(text);
        else this.log.info(text);
        return;
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ready = false;
    this.queue = [];
    this.backend.closed();
    this.onDidDisposeEmitter.fire();
    this.panel.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

/** Owns the one demo panel: creates it, reveals it, restores it after a window reload. */
export class DemoPanelManager implements vscode.Disposable {
  private current: DemoPanel | undefined;
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly backend: PanelBackend,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.registration = vscode.window.registerWebviewPanelSerializer(DEMO_VIEW_TYPE, {
      // The webview restores its runs from its own state; the new extension host only adopts the panel.
      deserializeWebviewPanel: async (panel) => void this.adopt(panel),
    });
  }

  get panel(): DemoPanel | undefined {
    return this.current;
  }

  /** The open panel, revealed, or a new one beside the editor. */
  show(): DemoPanel {
    if (this.current) {
      this.current.reveal();
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(
      DEMO_VIEW_TYPE,
      vscode.l10n.t('Concurrency Demo'),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')] },
    );
    return this.adopt(panel);
  }

  private adopt(panel: vscode.WebviewPanel): DemoPanel {
    this.current?.dispose();
    const demo = new DemoPanel(panel, this.extensionUri, this.backend, this.log);
    this.current = demo;
    demo.onDidDispose(() => {
      if (this.current === demo) this.current = undefined;
    });
    return demo;
  }

  dispose(): void {
    this.registration.dispose();
    this.current?.dispose();
    this.current = undefined;
  }
}
