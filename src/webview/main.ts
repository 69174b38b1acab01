/**
 * The demo panel's entry point. Restores its runs from its own saved state (the only copy: the
 * extension keeps none), says `ready`, then follows the extension's
 * messages — each one checked with `parseToWebview`; malformed ones are reported and ignored.
 */
import 'uplot/dist/uPlot.min.css';
import './panel.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { toChromeTrace } from '../shared/chromeTrace';
import { exportFileName, parseToWebview, type ExportFormat, type RunRequest, type ToWebview } from '../shared/protocol';
import { progressText } from '../shared/progress';
import { findScenario, validateParams } from '../shared/scenarios';
import { variantTitles } from '../shared/variants';
import type { Runtime } from '../shared/trace';
import { Controls } from './controls';
import { afterPaint, el } from './dom';
import { Host } from './host';
import { Texts } from './i18n';
import { RunStore } from './runStore';
import { MAX_EXPORT_CHARS, type ExportResult } from './exporters';
import { RunView } from './runView';
import { OPEN_SOURCE_EVENT, type SourcePlace } from './sourceLinks';
import { installTestHook } from './testHook';
import { watchTheme } from './theme';

class App {
  private readonly host = new Host();
  private readonly store = new RunStore(this.host);
  private texts = new Texts();
  private controls!: Controls;
  private view: RunView | undefined;
  private status!: HTMLElement;
  private failure!: HTMLElement;
  private runs!: VscodeSingleSelect;
  private runtimes: { defaultRuntime: Runtime; pythonAvailable: boolean } = { defaultRuntime: 'python', pythonAvailable: true };
  /** Why runs were dropped because they could not be drawn, since the status line last changed. */
  private undrawable: string[] = [];
  /** Log lines held until `ready` is posted, so `ready` stays the panel's first message. */
  private held: string[] | undefined = [];
  /** The running scenario's variant titles by id, for its progress. */
  private variantTitles = new Map<string, string>();
  /** A PNG export is under way (it takes a moment for tall charts): a second click waits for it. */
  private exportingPng = false;

  constructor(private readonly root: HTMLElement) {
    this.store.restore();
    this.render();
    window.addEventListener('message', (e: MessageEvent) => this.receive(e.data));
    // A code link anywhere in the run view names a file of the run on screen (sourceLinks.ts).
    this.root.addEventListener(OPEN_SOURCE_EVENT, (e) => {
      const place = (e as CustomEvent<SourcePlace>).detail;
      const trace = this.store.current?.trace;
      if (!trace) return;
      const { startedAt, scenario, runtime, program } = trace;
      this.host.post({ type: 'open-source', startedAt, scenario, runtime, ...(program ? { program: program.path } : {}), file: place.file, line: place.line });
    });
    watchTheme(() => this.view?.refreshTheme());
    installTestHook(() => this.view, () => this.store.entries.length);
    this.host.post({ type: 'ready' });
    const held = this.held ?? [];
    this.held = undefined;
    for (const line of held) this.host.log('warn', line);
  }

  private warn(line: string): void {
    if (this.held) this.held.push(line);
    else this.host.log('warn', line);
  }

  /**
   * Shows the selected run. A run that passed validation but cannot be drawn (while building the
   * view, or in a chart's first frame: `onFailed`) is dropped with a one-line status, and the newest
   * remaining run is shown instead, so one bad stored run never leaves the panel blank.
   */
  private showCurrent(since?: number): void {
    for (;;) {
      const entry = this.store.current;
      try {
        this.view?.show(entry, since);
        return;
      } catch (err) {
        if (!entry) throw err;
        this.dropCurrent(err);
      }
    }
  }

  private dropCurrent(err: unknown): void {
    const t = this.texts.t.bind(this.texts);
    const message = err instanceof Error ? err.message : String(err);
    this.warn(`webview dropped a run it could not draw: ${err instanceof Error ? err.stack ?? message : message}`);
    this.store.drop(this.store.selected);
    const reason = (message.split('\n')[0] || 'unknown error').slice(0, 160);
    this.undrawable.push(reason);
    const n = this.undrawable.length;
    this.status.textContent =
      n === 1 ? t('A run could not be drawn and was dropped: {0}', reason) : t('{0} runs could not be drawn and were dropped: {1}', n, this.undrawable[0]);
    this.fillRuns();
  }

  private render(since?: number): void {
    const t = this.texts.t.bind(this.texts);
    this.view?.dispose();
    document.documentElement.lang = this.texts.locale;
    this.controls = new Controls(this.texts, (request) => this.host.post({ type: 'run', request }), () => this.host.post({ type: 'cancel' }));
    this.controls.setRuntimes(this.runtimes.defaultRuntime, this.runtimes.pythonAvailable);
    this.status = el('p', { className: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
    this.undrawable = [];
    const dropped = this.store.droppedOld;
    if (dropped) {
      this.status.textContent =
        dropped === 1 ? t('An earlier run was dropped: it was saved in an older trace format.') : t('{0} earlier runs were dropped: they were saved in an older trace format.', dropped);
    }
    this.failure = el('div', { className: 'failure', attrs: { role: 'alert' } });
    this.failure.hidden = true;
    this.runs = el('vscode-single-select', { attrs: { id: 'clab-runs', 'aria-label': t('Earlier runs') } });
    this.runs.addEventListener('change', () => {
      this.store.select(Number(this.runs.value));
      this.showCurrent();
    });
    const button = (label: string, action: () => void, id: string): HTMLElement => {
      const b = el('vscode-button', { text: label, attrs: { secondary: '', id } });
      b.addEventListener('click', action);
      return b;
    };
    const tablesButton = button(t('Show tables'), () => (tablesButton.textContent = this.view?.toggleTables() ? t('Hide tables') : t('Show tables')), 'clab-tables');
    const toolbar = el(
      'div',
      { className: 'toolbar' },
      el('vscode-label', { text: t('Run'), attrs: { for: 'clab-runs' } }),
      this.runs,
      tablesButton,
      button(t('Reset zoom'), () => this.view?.resetZoom(), 'clab-reset'),
      el('span', { className: 'spacer' }),
      button('PNG', () => void this.save('png'), 'clab-export-png'),
      button('SVG', () => void this.save('svg'), 'clab-export-svg'),
      button('CSV', () => void this.save('csv'), 'clab-export-csv'),
      button(t('Chrome trace'), () => void this.save('chrome-trace'), 'clab-export-trace'),
    );
    this.view = new RunView(
      this.texts,
      (err) => {
        this.dropCurrent(err);
        this.showCurrent();
      },
      (request) => this.controls.submitRequest(request),
    );
    const header = el('header', {}, el('h1', { text: t('Concurrency Lab') }), this.status);
    this.root.replaceChildren(header, this.controls.root, this.failure, toolbar, this.view.root);
    this.fillRuns();
    this.showCurrent(since);
  }

  private fillRuns(): void {
    const options = this.store.entries.map((entry, i) => {
      const tr = entry.trace;
      const time = new Date(tr.startedAt).toLocaleTimeString(this.texts.locale);
      const title = tr.program ? (tr.program.path.split(/[\\/]/).pop() ?? tr.program.path) : this.texts.t(findScenario(tr.scenario)?.title ?? tr.scenario);
      const flag = entry.failure ? ` (${this.texts.t('partial')})` : '';
      return el('vscode-option', { text: `${i + 1}. ${time} · ${title} · ${tr.runtime}${flag}`, attrs: { value: String(i) } });
    });
    this.runs.replaceChildren(...options);
    this.runs.disabled = options.length === 0;
    if (this.store.selected >= 0) this.runs.value = String(this.store.selected);
  }

  /** Exports the shown run; a refused or failed export says why in the status line and saves nothing. */
  private async save(format: ExportFormat): Promise<void> {
    const view = this.view;
    const entry = this.store.current;
    if (!view || !entry || (format === 'png' && this.exportingPng)) return;
    const t = this.texts.t.bind(this.texts);
    const status = this.status;
    const before = status.textContent;
    let result: ExportResult;
    try {
      if (format === 'png') {
        this.exportingPng = true;
        status.textContent = t('Exporting {0}…', 'PNG');
        result = await view.png();
        if (status.textContent === t('Exporting {0}…', 'PNG')) status.textContent = before;
      } else if (format === 'svg') result = view.svg();
      else {
        const content = format === 'csv' ? view.csv() : JSON.stringify(toChromeTrace(entry.trace));
        const mb = (n: number): string => (n / 1024 / 1024).toFixed(0);
        result = content.length <= MAX_EXPORT_CHARS ? { ok: true, content } : { ok: false, reason: t('The export is too large to save from the panel ({0} MB, at most {1} MB).', mb(content.length), mb(MAX_EXPORT_CHARS)) };
      }
    } catch (err) {
      result = { ok: false, reason: t('The export failed: {0}', err instanceof Error ? err.message : String(err)) };
    } finally {
      if (format === 'png') this.exportingPng = false;
    }
    if (!result.ok) {
      status.textContent = result.reason;
      this.warn(`${format} export not saved: ${result.reason}`);
      return;
    }
    this.host.post({ type: 'save', format, fileName: exportFileName(entry.trace, format), content: result.content });
  }

  private receive(data: unknown): void {
    const since = performance.now();
    const parsed = parseToWebview(data);
    if (!parsed.ok) {
      this.host.log('warn', `webview ignored a malformed message: ${parsed.error}`);
      return;
    }
    try {
      this.handle(parsed.value, since);
    } catch (err) {
      this.host.log('error', `webview failed on "${parsed.value.type}": ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }

  private handle(msg: ToWebview, since: number): void {
    const t = this.texts.t.bind(this.texts);
    switch (msg.type) {
      case 'init':
        this.texts = new Texts(msg.strings, msg.locale);
        this.runtimes = { defaultRuntime: msg.defaultRuntime, pythonAvailable: msg.pythonAvailable };
        this.render(since);
        break;
      case 'run-started':
        this.store.droppedOld = 0;
        // The guesses on screen belong to this run; a run started elsewhere has none unless the
        // learner made them for its scenario and runtime before it started.
        this.store.start(msg.runId, msg.request, this.controls.takePrediction(msg.request));
        this.controls.showRequest(msg.request);
        this.controls.setRunning(true);
        this.failure.hidden = true;
        this.status.textContent = t('Running {0}…', t(findScenario(msg.request.scenario)?.title ?? msg.request.scenario));
        this.variantTitles = titlesOf(msg.request);
        break;
      case 'run-progress':
        this.status.textContent = progressText(msg.progress, t, (id) => this.texts.variant(this.variantTitles.get(id) ?? id));
        break;
      case 'run-result':
        this.controls.setRunning(false);
        this.status.textContent = msg.trace.variants.length === 1 ? t('Finished: 1 variant measured.') : t('Finished: {0} variants measured.', msg.trace.variants.length);
        this.store.add({ trace: msg.trace, prediction: this.store.takePending(msg.runId) }, true);
        this.showCurrent(since);
        // The controls mirror the run and the run list grows; their dropdowns measure themselves
        // when changed (a forced layout each), so after the chart is painted.
        afterPaint(() => {
          this.controls.showRequest({ scenario: msg.trace.scenario as RunRequest['scenario'], runtime: msg.trace.runtime, params: msg.trace.params });
          this.fillRuns();
        });
        break;
      case 'run-failed': {
        this.controls.setRunning(false);
        const prediction = this.store.takePending(msg.runId);
        this.status.textContent = msg.cancelled ? t('Cancelled.') : t('The run failed.');
        const hint = msg.hint ? el('p', { text: msg.hint }) : '';
        this.failure.replaceChildren(el('p', { className: 'bad', text: msg.error }), hint);
        this.failure.classList.toggle('cancelled', !!msg.cancelled);
        this.failure.hidden = false;
        // A partial trace joins the list but does not replace the results on screen.
        if (msg.trace && msg.trace.variants.length) {
          this.store.add({ trace: msg.trace, failure: { error: msg.error, hint: msg.hint, cancelled: msg.cancelled }, prediction }, false);
          this.fillRuns();
        }
        break;
      }
    }
  }
}

/** A request's variant titles; none when its parameters do not check (then progress shows ids). */
function titlesOf(request: RunRequest): Map<string, string> {
  const info = findScenario(request.scenario);
  const checked = info && validateParams(info, request.params);
  return checked?.ok ? variantTitles(request.scenario, request.runtime, checked.params) : new Map();
}

const root = document.getElementById('app') ?? document.body.appendChild(el('div', { attrs: { id: 'app' } }));
new App(root);
