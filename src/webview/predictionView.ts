/**
 * "Predict, then run" on screen: the optional picker under the run controls, and the comparison at
 * the top of a run's summary. Every guess starts as "No prediction", so Run works as before.
 */
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VariantFigures } from '../shared/figures';
import type { RunRequest } from '../shared/protocol';
import type { ScenarioId } from '../shared/scenarios';
import type { Runtime } from '../shared/trace';
import { el } from './dom';
import type { Texts } from './i18n';
import { GUESSES, isGuess, judge, questionsFor, SPEED_BANDS, type Measured, type Prediction, type Question } from './prediction';

const NONE = 'none';

/** A guess (or a measured band) in words; an outcome names the exact result. */
export function guessText(g: Measured, texts: Texts, expected: number | undefined): string {
  const n = expected === undefined ? '?' : expected.toLocaleString(texts.locale);
  switch (g) {
    case 'faster':
      return texts.t('faster');
    case 'same':
      return texts.t('about the same');
    case 'slower':
      return texts.t('slower');
    case 'exact':
      return texts.t('exactly {0}', n);
    case 'less':
      return texts.t('less than {0}', n);
    case 'more':
      return texts.t('more than {0}', n);
  }
}

/** The bands the speed guesses are judged by, in words. */
export function bandsHint(texts: Texts, baseline: string): string {
  return texts.t(
    'Compared with {0}: faster means a speedup of at least {1}, slower at most {2}; anything between is about the same.',
    baseline,
    texts.ratio(SPEED_BANDS.faster),
    texts.ratio(SPEED_BANDS.slower),
  );
}

export class PredictionPicker {
  readonly root: HTMLDetailsElement;
  private readonly fields: HTMLElement;
  private readonly hint: HTMLElement;
  private shownFor = '';
  private questions: Question[] = [];
  /** Guesses while no select holds them (the picker folded, or rebuilt for other variants). */
  private guesses: Prediction = {};
  private readonly selects = new Map<string, VscodeSingleSelect>();

  constructor(private readonly texts: Texts) {
    const t = texts.t.bind(texts);
    this.fields = el('div', { className: 'prediction-fields' });
    this.hint = el('p', { className: 'hint' });
    // Folded until opened: one line between the controls and the results for whoever just presses Run.
    this.root = el(
      'details',
      { className: 'prediction', attrs: { id: 'clab-predict' } },
      el('summary', { className: 'prediction-title', text: t('Predict before you run (optional)'), attrs: { id: 'clab-predict-h' } }),
      el('div', { className: 'prediction-body', attrs: { role: 'group', 'aria-labelledby': 'clab-predict-h' } }, this.fields, this.hint),
    );
    this.root.hidden = true;
    this.root.addEventListener('toggle', () => {
      if (this.root.open && !this.selects.size) this.build();
    });
  }

  /**
   * Offers the questions for the controls' current values. Guesses survive a change that keeps the
   * variant (another thread count); a different scenario or runtime starts afresh.
   */
  show(scenario: ScenarioId, runtime: Runtime, params: Record<string, unknown>): void {
    const questions = questionsFor(scenario, runtime, params);
    const key = `${scenario}|${runtime}|${JSON.stringify(questions)}`;
    if (key === this.shownFor) return;
    this.guesses = key.startsWith(`${scenario}|${runtime}|`) && this.shownFor.startsWith(`${scenario}|${runtime}|`) ? this.read() : {};
    this.shownFor = key;
    this.questions = questions;
    this.selects.clear();
    this.fields.replaceChildren();
    // A select reads its options' labels as rendered text when they are slotted: inside a folded
    // picker they would read empty, so the selects are made once it is open.
    if (this.root.open) this.build();
    const speed = questions.find((q) => q.kind === 'speed');
    const outcome = questions.find((q) => q.kind === 'outcome');
    this.hint.textContent = speed?.baseline
      ? bandsHint(this.texts, this.texts.variant(speed.baseline))
      : outcome
        ? this.texts.t('Will the final balance be exactly {0}, or less?', outcome.expected ?? '?')
        : '';
    this.root.hidden = questions.length === 0;
  }

  private build(): void {
    const t = this.texts.t.bind(this.texts);
    this.fields.replaceChildren(
      ...this.questions.map((q) => {
        const id = `clab-predict-${q.id}`;
        const title = this.texts.variant(q.title);
        const select = el('vscode-single-select', { attrs: { id, name: id, 'aria-label': t('Prediction for {0}', title), 'data-variant': q.id } });
        const options: [string, string][] = [[NONE, t('No prediction')], ...GUESSES[q.kind].map((g): [string, string] => [g, guessText(g, this.texts, q.expected)])];
        select.append(...options.map(([value, label]) => el('vscode-option', { text: label, attrs: { value } })));
        select.value = this.guesses[q.id] ?? NONE;
        this.selects.set(q.id, select);
        return el('div', { className: 'field' }, el('vscode-label', { text: title, attrs: { for: id } }), select);
      }),
    );
  }

  /** The guesses picked so far (none picked: empty). */
  read(): Prediction {
    if (!this.selects.size) return { ...this.guesses };
    const out: Prediction = {};
    for (const [id, select] of this.selects) {
      const value: unknown = select.value;
      if (isGuess(value)) out[id] = value;
    }
    return out;
  }

  /**
   * The prediction for a run that has just started, then a fresh picker: a guess is made for one
   * run. Guesses count only when they were made for this scenario and runtime and name its variants.
   */
  take(request: RunRequest): Prediction | undefined {
    const guesses = this.read();
    const [scenario, runtime] = this.shownFor.split('|');
    this.guesses = {};
    for (const select of this.selects.values()) select.value = NONE;
    if (scenario !== request.scenario || runtime !== request.runtime) return undefined;
    const ids = new Set(questionsFor(request.scenario, request.runtime, request.params).map((q) => q.id));
    const out: Prediction = {};
    for (const [id, guess] of Object.entries(guesses)) if (ids.has(id)) out[id] = guess;
    return Object.keys(out).length ? out : undefined;
  }
}

/**
 * What the learner predicted for this run beside what it measured, each marked right or wrong in
 * words, not only colour. `expected` is the exact result when no variant printed one.
 */
export function renderPrediction(prediction: Prediction, figures: VariantFigures[], texts: Texts, expected?: number): HTMLElement | undefined {
  const t = texts.t.bind(texts);
  const judged = judge(prediction, figures, expected);
  if (!judged.length) return undefined;
  const measured = judged.filter((j) => j.measured);
  const right = measured.filter((j) => j.right).length;
  const items = judged.map((j) => {
    const said = guessText(j.guess, texts, j.expected);
    if (!j.measured) return el('li', { className: 'unmeasured' }, el('span', { text: t('{0}: you said {1} — not measured in this run', j.title, said) }));
    const value = j.guess === 'exact' || j.guess === 'less' ? j.measured.value.toLocaleString(texts.locale) : texts.ratio(j.measured.value);
    const line = t('{0}: you said {1} — measured {2}, {3}', j.title, said, value, guessText(j.measured.band, texts, j.expected));
    const mark = j.right ? el('span', { className: 'mark good', text: `✓ ${t('right')}` }) : el('span', { className: 'mark bad', text: `✗ ${t('wrong')}` });
    return el('li', { className: j.right ? 'right' : 'wrong' }, el('span', { text: line }), ' ', mark);
  });
  const heading = measured.length ? t('Your prediction: {0} of {1} right', right, measured.length) : t('Your prediction');
  const base = figures[0];
  const speedGuessed = judged.some((j) => !(j.guess === 'exact' || j.guess === 'less'));
  return el(
    'section',
    { className: 'prediction-result', attrs: { 'aria-labelledby': 'clab-prediction-h' } },
    el('h3', { text: heading, attrs: { id: 'clab-prediction-h' } }),
    el('ul', {}, ...items),
    speedGuessed && base ? el('p', { className: 'hint', text: bandsHint(texts, base.title) }) : '',
  );
}
