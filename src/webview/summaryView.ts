/** The latest (or picked) run in words and numbers: a table of variants and the lesson's point. */
import type { RunRequest } from '../shared/protocol';
import { findScenario } from '../shared/scenarios';
import type { Trace } from '../shared/trace';
import type { BreakdownPart } from '../shared/breakdown';
import type { VariantFigures } from '../shared/figures';
import { findings, formatFinding, PART_KEYS, type ArgFormat, type Finding } from '../shared/findings';
import { el } from './dom';
import { exitIsBad, exitText } from './programView';
import type { Texts } from './i18n';
import type { Prediction } from './prediction';
import { renderPrediction } from './predictionView';

/** The panel's formatting of a finding's numbers, in the learner's language. */
export function panelFormat(texts: Texts): ArgFormat {
  return {
    ratio: (n) => texts.ratio(n),
    ms: (n) => texts.ms(n),
    pct: (s) => texts.pct(s),
    cores: (n) => n.toLocaleString(texts.locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 }),
    number: (n) => n.toLocaleString(texts.locale),
    part: (p: BreakdownPart) => texts.t(PART_KEYS[p]),
    fill: (key, args) => texts.t(key, ...args),
  };
}

export function formatLesson(finding: Finding, texts: Texts): string {
  return formatFinding(finding, panelFormat(texts));
}

export function outcomeText(f: VariantFigures, texts: Texts): string {
  const o = f.outcome;
  if (!o) return '';
  const parts: string[] = [];
  if (o.expected !== undefined) parts.push(texts.t('expected {0}', o.expected));
  if (o.actual !== undefined) parts.push(texts.t('actual {0}', o.actual));
  return parts.join(' · ');
}

/** Repetitions offered when a busy machine is named: enough for a median that one spike cannot move. */
export const RERUN_REPEAT = 3;

/** The request that runs `trace`'s scenario again, `repeat` times; undefined for a traced program. */
export function rerunRequest(trace: Trace, repeat: number): RunRequest | undefined {
  const info = findScenario(trace.scenario);
  if (!info) return undefined;
  const params = Object.fromEntries(Object.entries(trace.params).filter(([k]) => (info.params as readonly string[]).includes(k)));
  return { scenario: info.id, runtime: trace.runtime, params, repeat };
}

export function renderSummary(trace: Trace, figures: VariantFigures[], texts: Texts, prediction?: Prediction, onRerun?: (request: RunRequest) => void): HTMLElement {
  const t = texts.t.bind(texts);
  const info = findScenario(trace.scenario);
  const program = trace.program ? [trace.program.path, ...trace.program.args].join(' ') : '';
  const title = program ? t('Your program: {0}', program) : t(info?.title ?? trace.scenario);
  const env = trace.env;
  const envText = [
    trace.runtime === 'python' ? `Python ${env.python ?? ''}`.trim() : `Node ${env.node}`,
    t('{0} cores', env.cpus),
    trace.runtime === 'python' && env.gil !== undefined ? (env.gil ? t('GIL on') : t('GIL off')) : '',
    trace.calibration ? t('work sized to this machine (×{0})', trace.calibration.factor.toLocaleString(texts.locale, { maximumFractionDigits: 2 })) : '',
    new Date(trace.startedAt).toLocaleString(texts.locale),
  ].filter(Boolean);

  const repeated = figures.some((f) => f.spread);
  const head = el('tr', {}, ...[t('Variant'), repeated ? t('Wall time (median)') : t('Wall time'), t('CPU time'), t('Speedup'), t('Ideal'), t('Outcome')].map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
  const rows = figures.map((f) => {
    const outcome = el('td', { text: outcomeText(f, texts) });
    if (f.outcome?.ok === false) outcome.className = 'bad';
    if (f.outcome?.ok === true) outcome.append(el('span', { className: 'good', text: ` ✓ ${t('correct')}` }));
    const variant = trace.variants.find((v) => v.id === f.id);
    if (variant && exitIsBad(variant)) outcome.append(el('div', { className: 'bad', text: exitText(variant, t) }));
    if (f.error) outcome.append(el('div', { className: 'bad', text: f.error }));
    return el(
      'tr',
      {},
      el('th', { text: f.title, attrs: { scope: 'row' } }),
      el('td', { className: 'num', text: f.spread ? `${texts.ms(f.wallMs)} (${texts.ms(f.spread.minMs)}–${texts.ms(f.spread.maxMs)}, ${t('{0} runs', f.spread.n)})` : texts.ms(f.wallMs) }),
      el('td', { className: 'num', text: f.cpuMs === undefined ? '—' : texts.ms(f.cpuMs) }),
      el('td', { className: 'num', text: texts.ratio(f.speedup) }),
      el('td', { className: 'num', text: f.idealMs === undefined ? '—' : texts.ms(f.idealMs) }),
      outcome,
    );
  });
  const table = el('table', { className: 'summary-table' }, el('caption', { text: t('Variants of this run (speedup against {0})', figures[0]?.title ?? '') }), el('thead', {}, head), el('tbody', {}, ...rows));
  const said = findings(trace, figures);
  const lessons = said.map((f) => el('li', { className: f.tone, text: formatLesson(f, texts) }));
  const busy = said.findIndex((f) => f.rule === 'busyOthers' || f.rule === 'busyCoreWait');
  const again = rerunRequest(trace, RERUN_REPEAT);
  if (busy >= 0 && again && onRerun) {
    const button = el('vscode-button', { text: t('Run again {0} times and compare medians', RERUN_REPEAT), attrs: { secondary: '', id: 'clab-rerun' } });
    button.addEventListener('click', () => onRerun(again));
    lessons[busy].append(' ', button);
  }
  const notes: HTMLElement[] = [];
  if (trace.env.stateMethod === 'none') {
    notes.push(el('p', { className: 'note', text: t('This machine could not read per-thread CPU accounting: time spent waiting for a core or for the GIL shows as running.') }));
  }
  if (trace.skippedEvents) notes.push(el('p', { className: 'note', text: t('{0} malformed events were skipped.', trace.skippedEvents) }));
  if (trace.problems?.length) {
    const list = el('ul', {}, ...trace.problems.slice(0, 20).map((p) => el('li', { text: p })));
    notes.push(el('details', { className: 'note problems' }, el('summary', { text: t('The engine found {0} problems in this trace.', trace.problems.length) }), list));
  }
  // What the learner guessed comes first: the comparison is the point of having guessed.
  const tasks = trace.params.tasks;
  const guessed = prediction && renderPrediction(prediction, figures, texts, typeof tasks === 'number' ? tasks : undefined);
  return el(
    'div',
    { className: 'summary' },
    el('h2', { text: title }),
    el('p', { className: 'env', text: envText.join(' · ') }),
    guessed ?? '',
    el('ul', { className: 'lesson', attrs: { 'aria-label': t('What this run shows') } }, ...lessons),
    table,
    ...notes,
  );
}
