/** The timeline as tables: per variant, one row per lane with the time spent in each state (one
 *  column per state, so waiting for a core, for the GIL, for a lock and for a join stay apart), and
 *  links to where in the code the lane was started and waited.
 *  At most MAX_TABLE_LANES rows per variant, with a note: a row is a dozen elements, and a run of
 *  tens of thousands of lanes would otherwise cost seconds before the first chart shows. */
import { LANE_STATES } from '../shared/trace';
import { el } from './dom';
import type { Texts } from './i18n';
import { LANE_KIND_LABEL, STATE_LABEL, laneTitle } from './labels';
import { timeByState, type LaneSeries, type VariantSeries } from './laneData';
import { fillIn, parseWhere, PLACE, sourceLink } from './sourceLinks';

/** Places a lane waited at that its row links to, the longest waits first. */
const MAX_WAIT_PLACES = 4;
const RUNNING = LANE_STATES.indexOf('running');
const DONE = LANE_STATES.indexOf('done');

/**
 * Where in the code the lane was started and where it waited longest, each a link (a button: the
 * keyboard's way from the timeline to the code, which the canvas cannot offer span by span).
 */
function codeCell(lane: LaneSeries, texts: Texts): HTMLElement {
  const t = texts.t.bind(texts);
  const cell = el('td', { className: 'code' });
  const link = (where: string, label: string): Node => {
    const place = parseWhere(where);
    return place ? sourceLink(where, place, label) : document.createTextNode(where);
  };
  const started = lane.lane.where;
  if (started) cell.append(el('div', {}, ...fillIn(t('started at {0}', PLACE), link(started, t('Open {0} beside the panel', started)))));
  const waited = new Map<string, { ms: number; state: number }>();
  for (const [i, where] of lane.wheres) {
    const state = lane.states[i];
    if (state === RUNNING || state === DONE) continue;
    const seen = waited.get(where);
    const ms = lane.ends[i] - lane.starts[i];
    if (seen) seen.ms += ms;
    else waited.set(where, { ms, state });
  }
  const places = [...waited].sort((a, b) => b[1].ms - a[1].ms).slice(0, MAX_WAIT_PLACES);
  if (places.length) {
    const links = el('span', {});
    places.forEach(([where, { ms, state }], k) => {
      if (k) links.append(', ');
      links.append(link(where, t('Open {0} beside the panel: {1}, {2}', where, t(STATE_LABEL[LANE_STATES[state]]), texts.ms(ms))));
    });
    cell.append(el('div', {}, ...fillIn(t('waited at {0}', PLACE), links)));
  }
  if (!started && !places.length) cell.textContent = '—';
  return cell;
}

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
      el('th', { text: t('In the code'), attrs: { scope: 'col' } }),
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
        codeCell(lane, texts),
      );
    });
    const table = el('table', { className: 'lane-table' }, el('caption', { text: t('Time per state in {0}', texts.variant(series.variant.title)) }), el('thead', {}, head), el('tbody', {}, ...rows));
    if (series.lanes.length <= MAX_TABLE_LANES) return table;
    const n = (v: number): string => v.toLocaleString(texts.locale);
    return el('div', {}, table, el('p', { className: 'note', text: t('The table shows the first {0} of {1} lanes.', n(MAX_TABLE_LANES), n(series.lanes.length)) }));
  });
  return el('div', { className: 'lane-tables' }, ...tables);
}
