/** The timeline as tables: per variant, one row per lane with the time spent in each state (one
 *  column per state, so waiting for a core, for the GIL, for a lock and for a join stay apart).
 *  At most MAX_TABLE_LANES rows per variant, with a note: a row is a dozen elements, and a run of
 *  tens of thousands of lanes would otherwise cost seconds before the first chart shows. */
import { LANE_STATES } from '../shared/trace';
import { el } from './dom';
import type { Texts } from './i18n';
import { LANE_KIND_LABEL, STATE_LABEL, laneTitle } from './labels';
import { timeByState, type VariantSeries } from './laneData';

export const MAX_TABLE_LANES = 200;

export function renderLaneTables(all: VariantSeries[], texts: Texts): HTMLElement {
  const t = texts.t.bind(texts);
  const tables = all.map((series) => {
    const head = el(
      'tr',
      {},
      el('th', { text: t('Lane'), attrs: { scope: 'col' } }),
      ...LANE_STATES.map((s) => el('th', { text: t(STATE_LABEL[s]), attrs: { scope: 'col' } })),
      el('th', { text: t('Marks'), attrs: { scope: 'col' } }),
    );
    const rows = series.lanes.slice(0, MAX_TABLE_LANES).map((lane) => {
      const totals = timeByState(lane);
      // A task's title already says so.
      const name = lane.lane.kind === 'task' ? laneTitle(lane.lane, t) : `${laneTitle(lane.lane, t)} · ${t(LANE_KIND_LABEL[lane.lane.kind])}`;
      return el(
        'tr',
        {},
        el('th', { text: name, attrs: { scope: 'row' } }),
        ...Array.from(totals, (ms) => el('td', { className: 'num', text: ms > 0 ? texts.ms(ms) : '—' })),
        el('td', { className: 'num', text: String(lane.markAt.length) }),
      );
    });
    const table = el('table', { className: 'lane-table' }, el('caption', { text: t('Time per state in {0}', texts.variant(series.variant.title)) }), el('thead', {}, head), el('tbody', {}, ...rows));
    if (series.lanes.length <= MAX_TABLE_LANES) return table;
    const n = (v: number): string => v.toLocaleString(texts.locale);
    return el('div', {}, table, el('p', { className: 'note', text: t('The table shows the first {0} of {1} lanes.', n(MAX_TABLE_LANES), n(series.lanes.length)) }));
  });
  return el('div', { className: 'lane-tables' }, ...tables);
}
