/**
 * The run controls: scenario, runtime and the scenario's own parameters, then Run and Cancel.
 * Values are checked with the shared `validateParams` before anything is posted; errors show inline.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { isRepeat, MAX_REPEAT, type RunRequest } from '../shared/protocol';
import { SCENARIOS, findScenario, validateParams, type ParamName, type ScenarioId } from '../shared/scenarios';
import { RUNTIMES, type Runtime } from '../shared/trace';
import { el } from './dom';
import type { Texts } from './i18n';
import type { Prediction } from './prediction';
import { PredictionPicker } from './predictionView';

type Field = VscodeTextfield | VscodeSingleSelect;

const PARAM_LABEL: Record<ParamName, string> = {
  threads: 'Threads',
  tasks: 'Tasks',
  scale: 'Scale',
  pools: 'Pool sizes',
  lock: 'Lock',
};

/** Product names, not translated. */
const RUNTIME_NAME: Record<Runtime, string> = { python: 'Python', node: 'Node.js' };

export class Controls {
  readonly root: HTMLElement;
  private readonly scenario: VscodeSingleSelect;
  private readonly runtime: VscodeSingleSelect;
  private readonly fields = new Map<ParamName, { wrap: HTMLElement; input: Field }>();
  /** How many times to run the variants (medians shown); not a scenario parameter. */
  private readonly repeat: VscodeTextfield;
  private readonly runButton: VscodeButton;
  private readonly cancelButton: VscodeButton;
  private readonly errors: HTMLElement;
  /** Optional guesses per variant, made before Run (see predictionView.ts). */
  private readonly prediction: PredictionPicker;
  /** What the selects were last set to: their `value` reads empty until they are on the page. */
  private shown: { scenario: ScenarioId; runtime: Runtime } = { scenario: 'gil', runtime: 'python' };

  constructor(
    private readonly texts: Texts,
    private readonly onRun: (request: RunRequest) => void,
    private readonly onCancel: () => void,
  ) {
    const t = texts.t.bind(texts);
    this.scenario = this.select('scenario', t('Scenario'), SCENARIOS.map((s) => [s.id, t(s.title)]));
    this.runtime = this.select('runtime', t('Runtime'), RUNTIMES.map((r) => [r, RUNTIME_NAME[r]]));
    const row = el('div', { className: 'control-row' }, this.wrap('scenario', t('Scenario'), this.scenario), this.wrap('runtime', t('Runtime'), this.runtime));
    for (const name of ['threads', 'tasks', 'scale', 'pools'] as const) {
      const input = el('vscode-textfield', { attrs: { id: `clab-${name}`, name, 'aria-label': t(PARAM_LABEL[name]) } });
      input.type = name === 'pools' ? 'text' : 'number';
      if (name === 'scale') input.step = 0.05;
      input.addEventListener('input', () => this.clearErrors());
      this.addField(row, name, input);
    }
    const lock = this.select('lock', t(PARAM_LABEL.lock), [
      ['both', t('Both: without and with a lock')],
      ['off', t('Without a lock')],
      ['on', t('With a lock')],
    ]);
    this.addField(row, 'lock', lock);
    this.repeat = el('vscode-textfield', { attrs: { id: 'clab-repeat', name: 'repeat', 'aria-label': t('Repeat'), title: t('Run every variant this many times, interleaved, and show the medians') } });
    this.repeat.type = 'number';
    this.repeat.min = 1;
    this.repeat.max = MAX_REPEAT;
    this.repeat.value = '1';
    this.repeat.addEventListener('input', () => this.clearErrors());
    row.append(this.wrap('repeat', t('Repeat'), this.repeat));
    this.runButton = el('vscode-button', { text: t('Run'), attrs: { id: 'clab-run' } });
    this.cancelButton = el('vscode-button', { text: t('Cancel'), attrs: { id: 'clab-cancel', secondary: '' } });
    this.cancelButton.disabled = true;
    this.runButton.addEventListener('click', () => this.submit());
    this.cancelButton.addEventListener('click', () => this.onCancel());
    this.errors = el('ul', { className: 'errors', attrs: { role: 'alert', id: 'clab-errors' } });
    row.append(el('div', { className: 'buttons' }, this.runButton, this.cancelButton));
    this.prediction = new PredictionPicker(texts);
    this.root = el('section', { className: 'controls', attrs: { 'aria-label': t('Run a demo') } }, row, this.errors, this.prediction.root);
    this.scenario.addEventListener('change', () => this.showScenario(this.scenario.value as ScenarioId, true));
    // The variants to guess about follow the runtime, the lock mode and the pool sizes.
    this.runtime.addEventListener('change', () => {
      this.shown.runtime = this.runtime.value as Runtime;
      this.showPrediction();
    });
    for (const { input } of this.fields.values()) {
      input.addEventListener('change', () => this.showPrediction());
      input.addEventListener('input', () => this.showPrediction());
    }
    this.showScenario('gil', true);
  }

  private select(name: string, label: string, options: [string, string][]): VscodeSingleSelect {
    const select = el('vscode-single-select', { attrs: { id: `clab-${name}`, name, 'aria-label': label } });
    select.append(...options.map(([value, label]) => el('vscode-option', { text: label, attrs: { value } })));
    return select;
  }

  private wrap(name: string, label: string, input: HTMLElement): HTMLElement {
    return el('div', { className: `field field-${name}` }, el('vscode-label', { text: label, attrs: { for: `clab-${name}` } }), input);
  }

  private addField(row: HTMLElement, name: ParamName, input: Field): void {
    const wrap = this.wrap(name, this.texts.t(PARAM_LABEL[name]), input);
    this.fields.set(name, { wrap, input });
    row.append(wrap);
  }

  /** Shows the scenario's parameters; with `reset`, fills them with its defaults. */
  private showScenario(id: ScenarioId, reset: boolean, values?: Record<string, unknown>): void {
    const info = findScenario(id);
    if (!info) return;
    this.scenario.value = id;
    this.shown.scenario = id;
    for (const [name, { wrap, input }] of this.fields) {
      wrap.hidden = !info.params.includes(name);
      const value = values?.[name] ?? (reset ? info.defaults[name] : undefined);
      if (value !== undefined) input.value = Array.isArray(value) ? value.join(', ') : String(value);
    }
    this.clearErrors();
    this.showPrediction();
  }

  private showPrediction(): void {
    this.prediction.show(this.shown.scenario, this.shown.runtime, this.readParams());
  }

  /** The guesses made for a run that has just started; the picker then starts afresh for the next one. */
  takePrediction(request: RunRequest): Prediction | undefined {
    return this.prediction.take(request);
  }

  /** Reads the visible fields as the scenario's parameters, numbers parsed but not judged. */
  readParams(): Record<string, unknown> {
    const info = findScenario(this.scenario.value);
    const params: Record<string, unknown> = {};
    for (const name of info?.params ?? []) {
      const raw = String(this.fields.get(name)?.input.value ?? '').trim();
      if (name === 'lock') params.lock = raw;
      else if (name === 'pools') params.pools = raw.split(/[\s,]+/).filter(Boolean).map((p) => (Number.isNaN(Number(p)) ? p : Number(p)));
      else params[name] = raw === '' || Number.isNaN(Number(raw)) ? raw : Number(raw);
    }
    return params;
  }

  /** Validates and posts; returns the errors shown (empty when the run was requested). */
  submit(): string[] {
    const info = findScenario(this.scenario.value);
    if (!info) return [this.texts.t('Pick a scenario')];
    const params = this.readParams();
    const result = validateParams(info, params);
    const repeatText = String(this.repeat.value ?? '').trim();
    const repeat = repeatText === '' ? 1 : Number(repeatText);
    const errors = result.ok ? [] : [...result.errors];
    if (!isRepeat(repeat)) errors.push(this.texts.t('Repeat must be a whole number from 1 to {0}.', MAX_REPEAT));
    this.clearErrors();
    if (errors.length) {
      this.errors.append(...errors.map((e) => el('li', { text: e })));
      for (const [name, { input }] of this.fields) {
        if (errors.some((e) => e.startsWith(name))) input.setAttribute('invalid', '');
      }
      if (!isRepeat(repeat)) this.repeat.setAttribute('invalid', '');
      return errors;
    }
    this.onRun({ scenario: info.id, runtime: this.runtime.value as Runtime, params, ...(repeat > 1 ? { repeat } : {}) });
    return [];
  }

  /** Starts `request` as if the learner had filled the controls with it and pressed Run. */
  submitRequest(request: RunRequest): string[] {
    this.showRequest(request);
    return this.submit();
  }

  private clearErrors(): void {
    this.errors.replaceChildren();
    for (const { input } of this.fields.values()) input.removeAttribute('invalid');
    this.repeat.removeAttribute('invalid');
  }

  /** Mirrors a run started elsewhere (the command or a walkthrough link). */
  showRequest(request: RunRequest): void {
    this.runtime.value = request.runtime;
    this.shown.runtime = request.runtime;
    this.showScenario(request.scenario, true, request.params);
    this.repeat.value = String(request.repeat ?? 1);
  }

  setRuntimes(defaultRuntime: Runtime, pythonAvailable: boolean): void {
    const python = this.runtime.querySelector<HTMLElement & { disabled: boolean }>('vscode-option[value="python"]');
    if (python) python.disabled = !pythonAvailable;
    this.runtime.value = pythonAvailable ? defaultRuntime : 'node';
    this.shown.runtime = pythonAvailable ? defaultRuntime : 'node';
    this.showPrediction();
  }

  setRunning(running: boolean): void {
    this.runButton.disabled = running;
    this.cancelButton.disabled = !running;
  }
}
