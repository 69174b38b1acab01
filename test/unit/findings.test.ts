/**
 * Every sentence the panel and the CLI say about a run must be true of that run's numbers. A table of
 * runs — as the lesson expects them and as busy or odd machines really produce them — is rendered
 * through the findings, and each sentence's claim is checked against its figures by a reading of the
 * sentence written here, independently of the rules that chose it.
 */
import { strict as assert } from 'node:assert';
import { breakdown } from '../../src/shared/breakdown';
import { variantFigures } from '../../src/shared/figures';
import { ENGLISH, FINDING_KEYS, findings, formatFinding } from '../../src/shared/findings';
import { checkFinding, close, part } from '../fixtures/findingChecks';
import type { Lane, LaneState, Span, Trace, Variant } from '../../src/shared/trace';

type Seg = [LaneState, number]; // a state and how long, in ms, one after another from the lane's start

interface LaneSpec {
  kind?: Lane['kind'];
  name?: string;
  /** ms before the lane's first span */
  at?: number;
  segs: Seg[];
}

interface VariantSpec {
  id: string;
  title?: string;
  wall: number; // ms
  cpu?: number; // ms
  other?: number; // ms of other programs' CPU
  lanes: LaneSpec[];
  outcome?: Variant['outcome'];
  repeats?: number[]; // ms
  stuck?: string;
}

function variant(spec: VariantSpec): Variant {
  const lanes: Lane[] = [];
  const spans: Span[] = [];
  spec.lanes.forEach((l, id) => {
    lanes.push({ id, name: l.name ?? (id === 0 ? 'MainThread' : `Thread-${id}`), kind: l.kind ?? (id === 0 ? 'main' : 'thread') });
    let t = (l.at ?? 0) * 1000;
    for (const [state, ms] of l.segs) {
      spans.push({ lane: id, state, start: t, end: t + ms * 1000 });
      t += ms * 1000;
    }
  });
  const v: Variant = { id: spec.id, title: spec.title ?? spec.id, wallUs: spec.wall * 1000, lanes, spans, marks: [] };
  if (spec.cpu !== undefined) v.cpuUs = spec.cpu * 1000;
  if (spec.other !== undefined) v.otherCpuUs = spec.other * 1000;
  if (spec.outcome) v.outcome = spec.outcome;
  if (spec.repeats) v.repeats = spec.repeats.map((ms) => ms * 1000);
  if (spec.stuck) v.stuck = { threads: [], deadlock: [1, 2], summary: spec.stuck };
  return v;
}

function trace(scenario: string, variants: VariantSpec[], env: Partial<Trace['env']> = {}, params: Record<string, unknown> = {}): Trace {
  return {
    schema: 2,
    scenario,
    runtime: env.python ? 'python' : 'node',
    params,
    env: { platform: 'linux', cpus: 2, node: 'v20', stateMethod: 'schedstat', ...env },
    startedAt: '2026-11-29T00:00:00Z',
    variants: variants.map(variant),
  };
}

const PY = { python: '3.12.1', gil: true };
const main = (ms: number, start = 70): LaneSpec => ({ segs: [['running', ms - start]], at: start });
const mainWaiting = (wall: number): LaneSpec => ({ at: 70, segs: [['running', 30], ['join-wait', wall - 100]] });

/** Runs as the lesson expects them and as machines really produce them (figures in ms). */
const TABLE: Record<string, Trace> = {
  'GIL demo, quiet machine': trace('gil', [
    { id: 'sequential', wall: 1400, cpu: 1330, other: 20, lanes: [main(1400)] },
    { id: 'threads', wall: 1600, cpu: 1420, other: 30, lanes: [mainWaiting(1600), { at: 130, segs: [['running', 700], ['gil-wait', 700], ['done', 70]] }, { at: 135, segs: [['gil-wait', 700], ['running', 720], ['done', 45]] }] },
    { id: 'processes', wall: 800, cpu: 1380, other: 10, lanes: [mainWaiting(800), { kind: 'process', at: 100, segs: [['running', 690], ['done', 10]] }, { kind: 'process', at: 104, segs: [['running', 680], ['done', 16]] }] },
  ], PY),
  'GIL demo, busy machine: processes slower than sequential': trace('gil', [
    { id: 'sequential', wall: 1000, cpu: 930, other: 900, lanes: [main(1000)] },
    { id: 'threads', wall: 1480, cpu: 960, other: 1300, lanes: [mainWaiting(1480), { at: 100, segs: [['running', 480], ['core-wait', 300], ['gil-wait', 560], ['done', 40]] }, { at: 105, segs: [['gil-wait', 500], ['running', 480], ['core-wait', 350], ['done', 45]] }] },
    { id: 'processes', wall: 1587, cpu: 1000, other: 1500, lanes: [mainWaiting(1587), { kind: 'process', at: 110, segs: [['running', 500], ['core-wait', 800], ['done', 177]] }, { kind: 'process', at: 112, segs: [['core-wait', 790], ['running', 500], ['done', 185]] }] },
  ], PY),
  'GIL demo: threads faster than sequential because sequential was slowed': trace('gil', [
    { id: 'sequential', wall: 1630, cpu: 1470, lanes: [main(1630)] },
    { id: 'threads', wall: 1100, cpu: 930, lanes: [mainWaiting(1100), { at: 100, segs: [['running', 470], ['gil-wait', 480], ['done', 50]] }, { at: 110, segs: [['gil-wait', 460], ['running', 460], ['done', 70]] }] },
  ], PY),
  'GIL demo: threads overlap though they wait for the GIL': trace('gil', [
    { id: 'sequential', wall: 1400, cpu: 1330, lanes: [main(1400)] },
    { id: 'threads', wall: 950, cpu: 1300, lanes: [mainWaiting(950), { at: 100, segs: [['running', 600], ['gil-wait', 240], ['done', 10]] }, { at: 100, segs: [['gil-wait', 240], ['running', 600], ['done', 10]] }] },
  ], PY),
  'Node workers: start-up eats the speedup': trace('gil', [
    { id: 'sequential', wall: 800, cpu: 770, lanes: [main(800, 30)] },
    { id: 'workers', wall: 610, cpu: 800, lanes: [mainWaiting(610), { kind: 'worker', at: 200, segs: [['running', 390], ['done', 20]] }, { kind: 'worker', at: 210, segs: [['running', 385], ['done', 15]] }] },
  ]),
  'free-threaded Python': trace('gil', [
    { id: 'sequential', wall: 1400, cpu: 1330, lanes: [main(1400)] },
    { id: 'threads', wall: 760, cpu: 1350, lanes: [mainWaiting(760), { at: 80, segs: [['running', 670], ['done', 10]] }, { at: 82, segs: [['running', 668], ['done', 10]] }] },
  ], { python: '3.13.0', gil: false }),
  'one core': trace('parallel', [
    { id: 'sequential', wall: 1000, cpu: 950, lanes: [main(1000)] },
    { id: 'processes', wall: 1100, cpu: 960, lanes: [mainWaiting(1100), { kind: 'process', at: 100, segs: [['running', 480], ['core-wait', 500], ['done', 20]] }, { kind: 'process', at: 100, segs: [['core-wait', 500], ['running', 480], ['done', 20]] }] },
  ], { ...PY, cpus: 1 }),
  'four processes on two cores': trace('parallel', [
    { id: 'sequential', wall: 2800, cpu: 2700, lanes: [main(2800)] },
    {
      id: 'processes',
      wall: 1600,
      cpu: 2750,
      other: 40,
      lanes: [mainWaiting(1600), ...[0, 1, 2, 3].map((i): LaneSpec => ({ kind: 'process', at: 100 + i, segs: [['running', 690], ['core-wait', 700], ['done', 109 - i]] }))],
    },
  ], PY, { threads: 4 }),
  'downloads': trace('download', [
    { id: 'sequential', wall: 14000, cpu: 80, lanes: [{ at: 70, segs: [['sleeping', 13930]] }] },
    { id: 'threads', wall: 6100, cpu: 80, lanes: [mainWaiting(6100), { at: 90, segs: [['sleeping', 3000], ['done', 3010]] }, { at: 92, segs: [['sleeping', 5000], ['done', 1008]] }, { at: 95, segs: [['sleeping', 6000], ['done', 5]] }] },
    { id: 'subclass', wall: 12000, cpu: 80, lanes: [mainWaiting(12000), { at: 5000, segs: [['sleeping', 6000], ['done', 1000]] }] },
  ], PY),
  'race, lost updates': trace('race', [
    { id: 'no-lock', wall: 120, outcome: { expected: 100, actual: 7, ok: false }, lanes: [mainWaiting(120), { at: 80, segs: [['sleeping', 30], ['done', 10]] }] },
    { id: 'lock', wall: 1100, outcome: { expected: 100, actual: 100, ok: true }, lanes: [mainWaiting(1100), { at: 80, segs: [['lock-wait', 500], ['sleeping', 10], ['done', 510]] }] },
  ], PY),
  'race, no update lost this time': trace('race', [
    { id: 'no-lock', wall: 90, outcome: { expected: 100, actual: 100, ok: true }, lanes: [mainWaiting(90), { at: 80, segs: [['running', 5], ['done', 5]] }] },
  ], PY),
  'pools of waiting tasks': trace('pool', [
    { id: 'pool-1', wall: 1700, lanes: [mainWaiting(1700), { at: 80, segs: [['sleeping', 1600], ['done', 20]] }] },
    { id: 'pool-2', wall: 900, lanes: [mainWaiting(900), ...[0, 1].map((): LaneSpec => ({ at: 80, segs: [['sleeping', 800], ['done', 20]] }))] },
    { id: 'pool-8', wall: 300, lanes: [mainWaiting(300), ...[0, 1, 2, 3, 4, 5, 6, 7].map((): LaneSpec => ({ at: 80, segs: [['sleeping', 200], ['done', 20]] }))] },
    { id: 'pool-16', wall: 340, lanes: [mainWaiting(340), ...[0, 1, 2, 3, 4, 5, 6, 7].map((): LaneSpec => ({ at: 120, segs: [['sleeping', 200], ['done', 20]] }))] },
  ], PY, { tasks: 8 }),
  'a program that deadlocked': trace('program', [
    { id: 'program', wall: 5000, stuck: 'Thread-1 waits for lock_b held by Thread-2, which waits for lock_a held by Thread-1', lanes: [mainWaiting(5000), { at: 80, segs: [['lock-wait', 4920]] }, { at: 82, segs: [['lock-wait', 4918]] }] },
  ], PY),
  'a Lock taken twice by its holder': (() => {
    const t = trace('program', [{ id: 'program', wall: 3000, lanes: [mainWaiting(3000), { at: 80, segs: [['lock-wait', 2920]] }] }], PY);
    t.variants[0].stuck = { threads: [{ lane: 1, frames: [], waitsFor: 'Lock (reentrant.py:34)', heldBy: 1 }], deadlock: [1] };
    return t;
  })(),
  'a CPU-bound program with threads': trace('program', [
    { id: 'program', wall: 2000, lanes: [mainWaiting(2000), { at: 80, segs: [['running', 900], ['gil-wait', 1000], ['done', 20]] }, { at: 82, segs: [['gil-wait', 950], ['running', 950], ['done', 18]] }] },
  ], PY),
  'processes above the ideal: sequential was slowed': trace('parallel', [
    { id: 'sequential', wall: 1800, cpu: 1700, lanes: [main(1800)] },
    { id: 'processes', wall: 700, cpu: 1300, lanes: [mainWaiting(700), { kind: 'process', at: 40, segs: [['running', 650], ['done', 10]] }, { kind: 'process', at: 40, segs: [['running', 650], ['done', 10]] }] },
  ], PY),
  'repeated, noisy': trace('parallel', [
    { id: 'sequential', wall: 1400, cpu: 1330, repeats: [1400, 1380, 1900], lanes: [main(1400)] },
    { id: 'processes', wall: 760, cpu: 1340, repeats: [760, 740, 790], lanes: [mainWaiting(760), { kind: 'process', at: 60, segs: [['running', 690], ['done', 10]] }, { kind: 'process', at: 60, segs: [['running', 690], ['done', 10]] }] },
  ], PY),
};

describe('findings: every sentence true of its run', () => {
  for (const [name, t] of Object.entries(TABLE)) {
    it(name, () => {
      const figs = variantFigures(t);
      const said = findings(t, figs);
      assert.ok(said.length > 0, 'says something');
      for (const f of said) {
        checkFinding(t, figs, f);
        const text = formatFinding(f, ENGLISH);
        assert.doesNotMatch(text, /\{\d\}|undefined|NaN|Infinity/, text);
      }
    });
  }

  const rules = (name: string) => findings(TABLE[name], variantFigures(TABLE[name])).map((f) => f.rule);

  it('names the lesson where the numbers show it', () => {
    assert.deepEqual(rules('GIL demo, quiet machine'), ['gilTurns', 'parallel']);
    assert.deepEqual(rules('free-threaded Python'), ['noGilParallel']);
    assert.deepEqual(rules('downloads'), ['overlap', 'shortOfIdeal']);
    assert.deepEqual(rules('race, lost updates'), ['raceLost', 'raceLocked']);
  });

  it('names a busy machine first, and makes no parallel claim the numbers contradict', () => {
    const said = rules('GIL demo, busy machine: processes slower than sequential');
    assert.equal(said[0], 'busyOthers');
    assert.ok(!said.includes('parallel'), said.join());
    const gap = findings(TABLE['GIL demo, busy machine: processes slower than sequential'], variantFigures(TABLE['GIL demo, busy machine: processes slower than sequential'])).find((f) => f.variant === 'processes');
    assert.equal(gap?.rule, 'shortOfIdeal');
    assert.equal(part(gap.args[3]), 'core-wait', 'the gap is explained by waiting for a core');
  });

  it('explains a speedup the lesson does not predict from the trace', () => {
    assert.deepEqual(rules('GIL demo: threads faster than sequential because sequential was slowed'), ['gilTurnsFaster']);
    assert.deepEqual(rules('GIL demo: threads overlap though they wait for the GIL'), ['gilPartly']);
    assert.deepEqual(rules('processes above the ideal: sequential was slowed'), ['baselineSlow']);
    const startup = findings(TABLE['Node workers: start-up eats the speedup'], variantFigures(TABLE['Node workers: start-up eats the speedup']));
    assert.equal(startup[0].rule, 'shortOfIdeal');
    assert.equal(part(startup[0].args[3]), 'startup');
  });

  it('says lanes took turns when there are more of them than cores', () => {
    assert.deepEqual(rules('four processes on two cores'), ['tookTurns', 'parallel']);
    assert.deepEqual(rules('one core'), ['tookTurns', 'oneCore']);
  });

  it('tells the truth about pools and races that did not lose', () => {
    assert.deepEqual(rules('pools of waiting tasks'), ['poolBest', 'poolWaiting', 'poolNoGain']);
    assert.deepEqual(rules('race, no update lost this time'), ['raceNoLoss']);
  });

  it('reads a program of the learner: deadlock, GIL, where the time went; noise from repeats', () => {
    assert.deepEqual(rules('a program that deadlocked'), ['deadlock', 'mostly', 'lockContention']);
    const self = findings(TABLE['a Lock taken twice by its holder'], variantFigures(TABLE['a Lock taken twice by its holder']))[0];
    assert.equal(formatFinding(self, ENGLISH), 'program: deadlock — Thread-1 waits for Lock (reentrant.py:34), which it holds itself: a Lock cannot be taken again by the thread that holds it; an RLock can.');
    assert.deepEqual(rules('a CPU-bound program with threads'), ['mostly', 'gilProgram']);
    assert.ok(rules('repeated, noisy').includes('noisy'));
  });

  it('uses every rule somewhere in the table', () => {
    const used = new Set(Object.values(TABLE).flatMap((t) => findings(t, variantFigures(t)).map((f) => f.rule)));
    const unused = Object.keys(FINDING_KEYS).filter((k) => !used.has(k as keyof typeof FINDING_KEYS) && !['daemonKilled', 'daemonWaited', 'generic', 'busyCoreWait'].includes(k));
    assert.deepEqual(unused, []);
  });
});

describe('where the time went', () => {
  it('adds up to the wall time for every variant of the table', () => {
    for (const t of Object.values(TABLE)) {
      for (const v of t.variants) {
        const b = breakdown(v);
        const sum = Object.values(b.parts).reduce((x, y) => x + y, 0);
        close(sum, v.wallUs, `${t.scenario}/${v.id}`);
      }
    }
  });

  it('counts start-up before a lane began, and time after it ended', () => {
    const v = TABLE['GIL demo, quiet machine'].variants[2];
    const b = breakdown(v);
    assert.deepEqual(b.lanes, [1, 2], 'the processes do the work, not the main thread');
    close(b.parts.startup, 102_000, 'average start-up');
    close(b.parts.running, 685_000, 'average computing');
    close(b.parts.ended, 13_000, 'average finished early');
  });

  it('clips spans outside the run and never counts overlap twice', () => {
    const v: Variant = {
      id: 'x', title: 'x', wallUs: 1000, marks: [],
      lanes: [{ id: 0, name: 'T', kind: 'thread' }],
      spans: [
        { lane: 0, state: 'running', start: -500, end: 600 },
        { lane: 0, state: 'sleeping', start: 400, end: 2000 },
      ],
    };
    const b = breakdown(v);
    close(b.parts.running, 600, 'running clipped at 0');
    close(b.parts.sleeping, 400, 'sleeping from where running ended, to the wall');
    close(Object.values(b.parts).reduce((x, y) => x + y, 0), 1000, 'sum');
  });
});
