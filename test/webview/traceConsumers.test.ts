/**
 * The readers of a trace besides the chart, on the fixtures (one of them with every state of schema
 * 2): the webview's validation, the Chrome trace export, the CLI's text timeline and tables, and the
 * output lines the panel shows. Plain Node.
 */
import { strict as assert } from 'node:assert';
import { renderVariantTable } from '../../src/engine/cliTable';
import { GLYPHS, renderTimeline } from '../../src/engine/cliTimeline';
import { toChromeTrace } from '../../src/shared/chromeTrace';
import { isTrace, parseToWebview, traceProblem } from '../../src/shared/protocol';
import { LANE_STATES, type Trace } from '../../src/shared/trace';
import { linesUpTo, splitOutput, type OutputLines } from '../../src/webview/outputLines';
import { fixtureTrace, largeTrace, type FixtureName } from '../fixtures/traces/make';

const NAMES: FixtureName[] = ['gil', 'parallel', 'race', 'pool', 'daemon', 'download', 'all-states'];
const clone = (t: Trace): Trace => JSON.parse(JSON.stringify(t)) as Trace;

describe('trace validation (schema 2)', () => {
  it('accepts every fixture, including the one with every state, output, exit status and stuck threads', () => {
    for (const name of NAMES) assert.equal(traceProblem(fixtureTrace(name)), undefined, name);
    const states = new Set(fixtureTrace('all-states').variants[0].spans.map((s) => s.state));
    assert.deepEqual([...states].sort(), [...LANE_STATES].sort(), 'the all-states fixture has every state');
  });

  it('refuses schema 1, old or unknown states, and malformed schema-2 parts, naming the problem', () => {
    const bad = (change: (t: Record<string, unknown> & Trace) => void): string => {
      const t = clone(fixtureTrace('all-states')) as Record<string, unknown> & Trace;
      change(t);
      return traceProblem(t) ?? 'accepted';
    };
    assert.match(bad((t) => ((t as { schema: unknown }).schema = 1)), /schema 1 is not read here/);
    assert.match(bad((t) => ((t.variants[0].spans[3] as { state: string }).state = 'ready')), /spans\[3\] is not a span of a known state/);
    assert.match(bad((t) => ((t.variants[0].lanes[0] as { kind: string }).kind = 'fiber')), /lanes\[0\] is not a lane/);
    assert.match(bad((t) => ((t.variants[0].marks[0] as { kind: string }).kind = 'poke')), /marks\[0\]/);
    assert.match(bad((t) => ((t.variants[0].output![1] as { stream: string }).stream = 'stdlog')), /output\[1\] is not an output chunk/);
    assert.match(bad((t) => ((t.variants[0] as { exitCode: unknown }).exitCode = 'SIGTERM')), /exitCode/);
    assert.match(bad((t) => ((t.variants[0].stuck!.threads[1].frames[0] as { line: unknown }).line = '24')), /stuck\.threads\[1\]/);
    assert.match(bad((t) => ((t.variants[0].stuck as { deadlock: unknown }).deadlock = ['Thread-1'])), /stuck is malformed/);
    assert.match(bad((t) => ((t as { program: unknown }).program = { path: 'x.py' })), /program needs/);
    assert.match(bad((t) => ((t.env as { stateMethod: string }).stateMethod = 'guess')), /env is malformed/);
    assert.match(bad((t) => ((t.variants[0].spans[0] as { start: unknown }).start = null)), /spans\[0\]/);
    assert.equal(bad((t) => (t.variants[0].exitCode = 3)), 'accepted');
    const refused = parseToWebview({ type: 'run-result', runId: 1, trace: { ...fixtureTrace('gil'), schema: 1 } });
    assert.ok(!refused.ok && /^run-result: malformed trace: schema 1/.test(refused.error));
    assert.ok(!isTrace({ ...fixtureTrace('gil'), schema: 3 }));
  });

  it('checks 300 000 spans quickly', () => {
    const big = largeTrace(300_000);
    const began = performance.now();
    assert.ok(isTrace(big));
    const ms = performance.now() - began;
    assert.ok(ms < 1000, `validation took ${ms.toFixed(0)} ms`);
  });
});

describe('Chrome trace export (schema 2)', () => {
  it('colours every state, names task and target lanes, carries the program and exit status', () => {
    const trace = fixtureTrace('all-states');
    const { traceEvents, otherData } = toChromeTrace(trace);
    const spans = traceEvents.filter((e) => e.ph === 'X');
    assert.deepEqual([...new Set(spans.map((e) => e.name))].sort(), LANE_STATES.filter((s) => s !== 'done').sort());
    const cnames = new Map(spans.map((e) => [e.name, e.cname]));
    assert.equal(new Set(cnames.values()).size, cnames.size, 'one colour per state');
    assert.ok(spans.every((e) => typeof e.cname === 'string'));
    const where = spans.find((e) => e.name === 'lock-wait');
    assert.deepEqual(where?.args, { note: 'Lock (stuck_demo.py:9) held by Thread-2 (transfer)', where: 'stuck_demo.py:24' });
    const names = traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args?.name);
    assert.ok(names.includes('Task-1 [fetch] (asyncio task)'), names.join(', '));
    assert.ok(names.includes('Thread-3 [watchdog] (daemon)'));
    assert.ok(names.includes('Thread-1 (transfer)'), 'a target the name already shows is not repeated');
    assert.deepEqual(otherData.program, { path: 'stuck_demo.py', args: ['--accounts', '2'] });
    assert.deepEqual((otherData.variants as unknown[])[0], {
      id: 'program',
      title: 'stuck_demo.py',
      exitCode: null,
      signal: 'SIGTERM',
      error: 'Still running after the 0.12 s timeout: stopped (a deadlock?)',
    });
    assert.equal(Object.keys(otherData.states as object).length, LANE_STATES.length);
  });

  it('puts each stuck thread\'s stack on an instant event, and the deadlock on the process', () => {
    const { traceEvents } = toChromeTrace(fixtureTrace('all-states'));
    const stuck = traceEvents.filter((e) => e.name === 'stuck');
    assert.equal(stuck.length, 3);
    assert.deepEqual(stuck[1], {
      name: 'stuck',
      cat: 'stuck',
      ph: 'i',
      s: 't',
      pid: 1,
      tid: 2,
      ts: 120_000,
      args: { stack: ['transfer (stuck_demo.py:24)', '_bootstrap_inner (threading.py:1045)'], waitsFor: 'Lock (stuck_demo.py:9)', heldBy: 'Thread-2 (transfer)' },
    });
    const deadlock = traceEvents.find((e) => e.name === 'deadlock');
    assert.equal(deadlock?.s, 'p');
    assert.deepEqual((deadlock?.args as { lanes: string[] }).lanes, ['Thread-1 (transfer)', 'Thread-2 (transfer)']);
  });
});

describe('CLI timeline and tables (schema 2)', () => {
  it('gives every state its own character, so the two yellows differ without colour', () => {
    const chars = LANE_STATES.map((s) => GLYPHS[s].char);
    assert.equal(new Set(chars).size, chars.length);
    assert.notEqual(GLYPHS['core-wait'].char, GLYPHS['gil-wait'].char);
    assert.notEqual(GLYPHS['core-wait'].colour, GLYPHS['gil-wait'].colour);
    const text = renderTimeline(fixtureTrace('all-states'), { width: 140 });
    for (const s of LANE_STATES) if (s !== 'done') assert.ok(text.includes(GLYPHS[s].char), `${s} drawn`);
    for (const s of LANE_STATES) if (s !== 'done') assert.ok(text.includes(`${GLYPHS[s].char} ${GLYPHS[s].label}`), `${s} in the legend`);
    assert.match(text, /waiting for the GIL/);
    assert.match(text, /waiting for a CPU core/);
  });

  it('draws 300 000 spans without a spread of every span', () => {
    const big = largeTrace(300_000);
    const spans = big.variants.reduce((n, v) => n + v.spans.length, 0);
    assert.ok(spans > 250_000, `${spans} spans`);
    const began = performance.now();
    const text = renderTimeline(big, { width: 100 });
    const ms = performance.now() - began;
    assert.ok(text.split('\n').length > 5);
    assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
  });

  it('tabulates the exit status, the time in each state, and where threads were stuck', () => {
    const table = renderVariantTable(fixtureTrace('all-states'));
    assert.match(table, /^program on python 3\.12\.4, 2 cores, states measured by schedstat\nprogram: stuck_demo\.py --accounts 2\n/);
    assert.match(table, /stuck_demo\.py\s+120\.0\s+61\.0\s+1\.00×\s+error: Still running .*; killed by SIGTERM/);
    const head = table.split('\n').find((l) => l.startsWith('ms, all lanes')) ?? '';
    assert.deepEqual(head.split(/\s+/).slice(3), ['running', 'core-wait', 'gil-wait', 'sleeping', 'lock-wait', 'join-wait', 'io', 'idle', 'blocked']);
    assert.match(table, /stuck when stuck_demo\.py was stopped:\n {2}MainThread: threading\.py:1119 in join, waits for Thread-1 \(transfer\)\n {2}Thread-1 \(transfer\): stuck_demo\.py:24 in transfer, waits for Lock \(stuck_demo\.py:9\) held by Thread-2 \(transfer\)/);
    assert.match(table, /deadlock: Thread-1 \(transfer\) waits for Lock/);
    // A scenario run: no stuck section; the CPU split and both synchronization waits always shown.
    const gil = renderVariantTable(fixtureTrace('gil'));
    assert.doesNotMatch(gil, /stuck when/);
    assert.match(gil, /ms, all lanes\s+running\s+core-wait\s+gil-wait\s+lock-wait\s+join-wait\n/);
    assert.match(gil, /Threads\s+[\d.]+\s+0\.0\s+[\d.]+\s+0\.0\s+[\d.]+/);
  });
});

describe('program output as timed lines', () => {
  const chunk = (at: number, text: string, stream: 'stdout' | 'stderr' = 'stdout') => ({ at, stream, text });
  const plain = (l: OutputLines) => ({ text: l.text, at: [...l.atUs], stderr: [...l.stderr] });

  it('splits chunks into lines, each timed by the chunk where it began', () => {
    const lines = splitOutput([chunk(100, 'a\nb\npar'), chunk(250, 'tial\n\nc'), chunk(400, 'd\n')]);
    // "partial" began in the first chunk; the empty line and "cd" in the second.
    assert.deepEqual(plain(lines), { text: ['a', 'b', 'partial', '', 'cd'], at: [100, 100, 100, 250, 250], stderr: [0, 0, 0, 0, 0] });
    assert.deepEqual(plain(splitOutput([])), { text: [], at: [], stderr: [] });
    assert.deepEqual(plain(splitOutput([chunk(5, ''), chunk(6, '\n')])), { text: [''], at: [6], stderr: [0] });
  });

  it('continues a line only with its own stream, keeps a last line without a break, drops CR of CRLF', () => {
    const lines = splitOutput([chunk(10, 'progress '), chunk(20, 'oops\r\nwarn', 'stderr'), chunk(30, '50%\n'), chunk(40, 'ing\n', 'stderr'), chunk(50, 'end')]);
    assert.deepEqual(plain(lines), { text: ['progress 50%', 'oops', 'warning', 'end'], at: [10, 20, 20, 50], stderr: [0, 1, 1, 0] });
  });

  it('orders chunks given out of time order, keeping the order of equal times', () => {
    const lines = splitOutput([chunk(30, 'c\n'), chunk(-5, 'early\n'), chunk(10, 'a\n'), chunk(10, 'b\n')]);
    assert.deepEqual(plain(lines), { text: ['early', 'a', 'b', 'c'], at: [-5, 10, 10, 30], stderr: [0, 0, 0, 0] });
  });

  it('counts the lines begun at or before a time (ms), at the exact boundary too', () => {
    const lines = splitOutput([chunk(-5, 'x\n'), chunk(1000, 'a\nb\n'), chunk(2000, 'c\n')]);
    assert.deepEqual([-1, -0.005, 0, 0.999, 1, 1.5, 2, 99].map((ms) => linesUpTo(lines, ms)), [0, 1, 1, 1, 3, 3, 4, 4]);
  });

  it('splits 100,000 lines in one chunk and across chunk boundaries', () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `line ${i}\n`).join('');
    const pieces = [];
    for (let at = 0, i = 0; i < text.length; i += 4096, at += 7) pieces.push(chunk(at, text.slice(i, i + 4096)));
    const lines = splitOutput(pieces);
    assert.equal(lines.text.length, 100_000);
    assert.equal(lines.text[99_999], 'line 99999');
    // Each line is timed by the chunk holding its first character.
    for (const i of [0, 500, 12_345, 99_999]) {
      const start = text.indexOf(`line ${i}\n`);
      assert.equal(lines.atUs[i], Math.floor(start / 4096) * 7, `line ${i}`);
      assert.equal(lines.text[i], `line ${i}`);
    }
  });
});
