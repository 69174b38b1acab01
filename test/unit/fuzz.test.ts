/**
 * Property-based fuzzing of everything that reads input the engine or the panel does not control:
 * the event channel (one line → parseEventLine → TraceBuilder → Trace, and the collector over a real
 * socket), the engine host's IPC messages, and the webview's messages and stored traces. Each
 * property must hold for every input: a valid trace or a counted rejection, never a throw. Run
 * counts are fixed so the whole file takes a few seconds (CLAB_FUZZ_SCALE=N for N times as many); a
 * failure prints its seed and the shrunk counterexample (pass `seed` and `path` to fc.assert to replay it).
 */
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import fc from 'fast-check';
import { TraceCollector } from '../../src/engine/collector';
import { parseEventLine } from '../../src/engine/eventParse';
import { parseFromHost, parseToHost } from '../../src/shared/hostProtocol';
import { isRunProgress, PROGRESS_NOTES } from '../../src/shared/progress';
import { MAX_LINE_CHARS } from '../../src/engine/lineSplitter';
import type { RunSample } from '../../src/engine/sampler';
import { TraceBuilder } from '../../src/engine/traceBuilder';
import { INTENTS, PROGRAM_MARKS, type ProgramEvent } from '../../src/shared/events';
import { EXPORT_FILES, parseFromWebview, parseToWebview, traceProblem } from '../../src/shared/protocol';
import { SCENARIO_IDS } from '../../src/shared/scenarios';
import { LANE_KINDS, MARK_KINDS, type Trace } from '../../src/shared/trace';
import { checkTrace } from '../../src/shared/traceCheck';

const MS = 1_000_000;
/** Engine times of the simulated run: spawn at START, exit somewhere in the next 5 s. */
const START = 1_000_000 * MS;

/** Run counts, chosen so the file runs in a few seconds on a loaded 2-core machine; CLAB_FUZZ_SCALE=N runs N times as many. */
const SCALE = Math.max(1, Number(process.env.CLAB_FUZZ_SCALE) || 1);
const RUNS = Object.fromEntries(Object.entries({ parse: 3000, fold: 400, collector: 20, host: 3000, webview: 2000, traces: 300 }).map(([k, n]) => [k, n * SCALE])) as Record<'parse' | 'fold' | 'collector' | 'host' | 'webview' | 'traces', number>;

// ---- the event channel ---------------------------------------------------------------------------

/** Times a program may send: mostly in or near the run, sometimes absurd. */
const time = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: START - 3000 * MS, max: START + 8000 * MS }) },
  { weight: 1, arbitrary: fc.constantFrom(1e300, -1e300, -1, 0, -0, Number.MAX_SAFE_INTEGER, 2 ** 63, 5e-324, 1.5) },
  { weight: 1, arbitrary: fc.double() }, // NaN and ±Infinity become null in JSON: a missing field
);
const laneKey = fc.oneof(fc.constantFrom('m', 'w1', 'w2', 'd', 'p:1', 'ghost', ''), fc.string({ maxLength: 4 }));
const text = fc.oneof(
  { weight: 8, arbitrary: fc.string({ maxLength: 16 }) },
  { weight: 1, arbitrary: fc.constant('n'.repeat(600)) }, // over the 500-character field limit
  { weight: 1, arbitrary: fc.constant('\u0000\u2028\ud800 "\\') },
);
const optional = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 2 });
const pid = fc.constantFrom(100, 101, 1, 0, -5, 1.5);
const cpuClock = optional(fc.oneof(fc.integer({ min: 0, max: 9000 * MS }), time));
const frame = fc.record({ file: text, line: fc.oneof(fc.nat(5000), time), func: text });

const validEvent: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ k: fc.constant('hello'), token: text, runtime: fc.constantFrom('node', 'python'), pid, version: text, gil: optional(fc.boolean()) }),
  fc.record({ k: fc.constant('clock'), t0: time, t1: time, te: time }),
  fc.record({ k: fc.constant('variant'), id: fc.constantFrom('a', 'b', 'a'), title: text, t: time }),
  fc.record({ k: fc.constant('variant-end'), id: fc.constantFrom('a', 'b', 'zz'), t: time, wall: fc.oneof(time, fc.integer({ min: 0, max: 5000 * MS })), cpu: cpuClock }),
  fc.record({ k: fc.constant('lane'), lane: laneKey, name: text, kind: fc.constantFrom(...LANE_KINDS), daemon: optional(fc.boolean()), pid, tid: optional(fc.nat(200)), t: time, c: cpuClock, target: optional(text), where: optional(text) }),
  fc.record({ k: fc.constant('state'), lane: laneKey, s: fc.constantFrom(...INTENTS), t: time, c: cpuClock, note: optional(text), where: optional(text), obj: optional(text), holder: optional(laneKey) }),
  fc.record({ k: fc.constant('mark'), lane: laneKey, m: fc.constantFrom(...MARK_KINDS), t: time, note: optional(text), obj: optional(text) }),
  fc.record({ k: fc.constant('end'), lane: laneKey, t: time, c: cpuClock }),
  fc.record({ k: fc.constant('outcome'), expected: optional(fc.oneof(fc.integer(), text)), actual: optional(fc.oneof(fc.integer(), text)), ok: optional(fc.boolean()) }),
  fc.record({ k: fc.constant('stuck'), lane: laneKey, frames: fc.array(frame, { maxLength: 4 }), obj: optional(text), holder: optional(laneKey) }),
  fc.constant({ k: 'dumped' }),
);

/** One line on the channel: a valid event, a damaged one, or anything at all. */
const line: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: validEvent.map((e) => JSON.stringify(e)) },
  // a field of a valid event replaced by something of another type, or removed
  { weight: 3, arbitrary: fc.tuple(validEvent, fc.nat(), fc.oneof(fc.jsonValue(), fc.constant(undefined))).map(([e, i, v]) => {
    const keys = Object.keys(e);
    return JSON.stringify({ ...e, [keys[i % keys.length]]: v });
  }) },
  { weight: 2, arbitrary: fc.tuple(validEvent, fc.nat()).map(([e, cut]) => { const s = JSON.stringify(e); return s.slice(0, cut % s.length); }) },
  { weight: 1, arbitrary: fc.constantFrom('{"k":"state","lane":"m","s":"cpu","t":NaN}', '{"k":"mark","lane":"m","m":"start","t":"NaN"}', '{"k":"end","lane":"m","t":1e400}',
    '{"k":"lane","lane":"x","name":"x","kind":"fiber","pid":1,"t":1}', '{"k":"state","lane":"m","s":"flying","t":1}', '{"k":"__proto__","__proto__":{"k":"end"}}',
    '{"__proto__":{"k":"end","lane":"m","t":1}}', 'null', '[]', '"hello"', '{}', '{"k":null}') },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

/** Plausible kernel readings for one thread: cumulative run + wait never grow faster than time. */
const samples: fc.Arbitrary<RunSample[]> = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 40 * MS }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 30 })
  .chain((steps) => fc.integer({ min: START - 100 * MS, max: START + 3000 * MS }).map((t0) => {
    const out: RunSample[] = [];
    let t = t0, run = 0, wait = 0;
    for (const [dt, r, w] of steps) {
      t += dt;
      const ran = Math.floor(dt * r);
      run += ran;
      wait += Math.floor((dt - ran) * w);
      out.push({ t, run, wait });
    }
    return out;
  }));

/**
 * Threads claiming the CPU all at once, often more of them than there are cores: each in `cpu`
 * intent from its start to its end (fractions of the run, some outside it), with thread clocks
 * (some more than the interval could hold) or none.
 */
const busy = fc.array(fc.record({
  lane: fc.constantFrom('m', 'w1', 'w2', 'd', 'b1', 'b2', 'b3'),
  kind: fc.constantFrom(...LANE_KINDS),
  pid: fc.constantFrom(100, 101),
  // per mille of the run (fc.double favours values near 0)
  from: fc.integer({ min: -100, max: 1200 }),
  length: fc.integer({ min: 0, max: 1200 }),
  clockMs: optional(fc.tuple(fc.nat(5000), fc.nat(20_000))),
}), { maxLength: 8 });

const runCase = fc.record({
  lines: fc.array(fc.tuple(line, fc.integer({ min: 1, max: 3 })), { maxLength: 60 }),
  busy,
  cpus: fc.constantFrom(1, 2, 4),
  durationMs: fc.integer({ min: 0, max: 5000 }),
  // Engine-side times (trusted): a connection closes between spawn and a second after exit.
  closes: fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 3 }),
  /** Kernel readings for up to four lanes: each can be full, so together more than the cores allow. */
  sampled: fc.array(fc.tuple(fc.constantFrom('m', 'w1', 'w2', 'd', 'b1', 'b2'), samples), { maxLength: 4 }),
  killedRun: fc.boolean(),
  output: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('stdout', 'stderr') as fc.Arbitrary<'stdout' | 'stderr'>, fc.string({ maxLength: 8 })), { maxLength: 4 }),
  exit: optional(fc.record({ code: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }), signal: fc.constantFrom(null, 'SIGKILL' as const) })),
});

type RunCase = typeof runCase extends fc.Arbitrary<infer T> ? T : never;

/** What runProgram does with a program's lines, minus the processes and the sockets. */
function fold(c: RunCase): { trace: Trace; skipped: number } {
  const builder = new TraceBuilder();
  let skipped = 0;
  c.lines.forEach(([l, conn], i) => {
    const event = parseEventLine(l);
    if (!event) skipped++;
    else builder.add({ event, conn, at: START + i * MS });
  });
  const exitAt = START + c.durationMs * MS;
  const runNs = Math.max(1, c.durationMs) * MS;
  c.busy.forEach((b, i) => {
    const t = Math.round(START + (b.from / 1000) * runNs);
    const clock = (ms: number) => (b.clockMs ? { c: ms * MS } : {});
    const events = [
      { k: 'lane', lane: b.lane, name: b.lane, kind: b.kind, pid: b.pid, t, ...clock(b.clockMs?.[0] ?? 0) },
      { k: 'end', lane: b.lane, t: Math.round(t + (b.length / 1000) * runNs), ...clock((b.clockMs?.[0] ?? 0) + (b.clockMs?.[1] ?? 0)) },
    ];
    for (const e of events) {
      const event = parseEventLine(JSON.stringify(e));
      assert.ok(event, JSON.stringify(e));
      builder.add({ event, conn: 1 + (i % 3), at: START + (c.lines.length + i) * MS });
    }
  });
  const engineTime = (f: number): number => Math.round(START + f * (exitAt + 1000 * MS - START));
  for (const [conn, at] of c.closes) builder.connectionClosed(conn, engineTime(at));
  const bySample = new Map<string, RunSample[]>(c.sampled);
  const built = builder.build({
    cpus: c.cpus,
    exitAt,
    startAt: START,
    fallback: { id: 'program', title: 'Program' },
    samples: (key) => bySample.get(key),
    killedRun: c.killedRun,
    output: c.output.map(([t, stream, s]) => ({ t: engineTime(t), stream, text: s })),
    exit: c.exit ? { ...c.exit, at: exitAt } : undefined,
  });
  const trace: Trace = {
    schema: 2, scenario: 'program', runtime: 'node', params: {},
    env: { platform: 'linux', cpus: c.cpus, node: 'v20', stateMethod: built.method },
    startedAt: new Date(0).toISOString(), variants: built.variants, skippedEvents: skipped + built.rejected,
  };
  return { trace, skipped };
}

/**
 * A program that behaves: its events are dated within the run (in any order across processes),
 * variants announced once each in order, no `killed` mark of its own (the engine sets those), no
 * figures of its own, and at most one lane per core (the hooks' `cpu` intent is drawn as running
 * where the kernel cannot be read).
 */
const within = fc.double({ min: 0, max: 1, noNaN: true });
const wbKey = fc.constantFrom('m', 'w1', 'w2', 'd');
const wbEvent = fc.oneof(
  fc.record({ k: fc.constant('lane'), lane: wbKey, name: fc.string({ maxLength: 3 }), kind: fc.constantFrom(...LANE_KINDS), daemon: optional(fc.boolean()), pid: fc.constantFrom(1, 2), tid: optional(fc.nat(9)), t: within }, { requiredKeys: ['k', 'lane', 'name', 'kind', 'pid', 't'] }),
  fc.record({ k: fc.constant('state'), lane: wbKey, s: fc.constantFrom(...INTENTS), t: within, note: optional(fc.string({ maxLength: 3 })), obj: optional(fc.string({ maxLength: 3 })), holder: optional(wbKey) }, { requiredKeys: ['k', 'lane', 's', 't'] }),
  fc.record({ k: fc.constant('mark'), lane: wbKey, m: fc.constantFrom(...PROGRAM_MARKS), t: within, note: optional(fc.string({ maxLength: 3 })) }, { requiredKeys: ['k', 'lane', 'm', 't'] }),
  fc.record({ k: fc.constant('end'), lane: wbKey, t: within }),
  fc.record({ k: fc.constant('outcome'), expected: fc.integer(), actual: fc.integer(), ok: fc.boolean() }),
  fc.record({ k: fc.constant('stuck'), lane: wbKey, frames: fc.array(fc.record({ file: fc.string({ maxLength: 3 }), line: fc.nat(99), func: fc.string({ maxLength: 3 }) }), { maxLength: 2 }) }),
);
const wellBehaved = fc.record({
  events: fc.array(fc.tuple(wbEvent, fc.integer({ min: 1, max: 3 })), { maxLength: 40 }),
  variants: fc.array(within, { maxLength: 3 }),
  durationMs: fc.integer({ min: 0, max: 5000 }),
  killedRun: fc.boolean(),
  closes: fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), within), { maxLength: 3 }),
  sampled: fc.array(fc.tuple(wbKey, samples), { maxLength: 2 }),
});

function foldWellBehaved(c: typeof wellBehaved extends fc.Arbitrary<infer T> ? T : never): Trace {
  const b = new TraceBuilder();
  const exitAt = START + c.durationMs * MS;
  const at = (f: number): number => Math.round(START + f * (exitAt - START));
  [...c.variants].sort((x, y) => x - y).forEach((f, i) => b.add({ event: { k: 'variant', id: `v${i}`, title: `V${i}`, t: at(f) }, conn: 1, at: at(f) }));
  c.events.forEach(([e, conn], i) => {
    // each line goes through the parser, as on the channel
    const event = parseEventLine(JSON.stringify('t' in e ? { ...e, t: at(e.t) } : e));
    assert.ok(event, JSON.stringify(e));
    b.add({ event, conn, at: START + i });
  });
  for (const [conn, f] of c.closes) b.connectionClosed(conn, at(f));
  const bySample = new Map<string, RunSample[]>(c.sampled);
  const built = b.build({ cpus: 4, exitAt, startAt: START, fallback: { id: 'program', title: 'Program' }, samples: (k) => bySample.get(k), killedRun: c.killedRun });
  return {
    schema: 2, scenario: 'program', runtime: 'node', params: {},
    env: { platform: 'linux', cpus: 4, node: 'v20', stateMethod: built.method },
    startedAt: new Date(0).toISOString(), variants: built.variants, skippedEvents: built.rejected,
  };
}

describe('fuzz: the event channel', function () {
  this.timeout(60_000);

  it(`parseEventLine never throws, and what it accepts is a well-formed event (${RUNS.parse} lines)`, () => {
    fc.assert(fc.property(fc.oneof(line, fc.string(), fc.string({ unit: 'binary', maxLength: 30 })), (l) => {
      const e = parseEventLine(l);
      if (e === undefined) return;
      assert.equal(typeof e, 'object');
      // accepted: every number in it is finite, and it reads back the same
      const walk = (v: unknown): void => {
        if (typeof v === 'number') assert.ok(Number.isFinite(v), `non-finite number in ${l}`);
        else if (v && typeof v === 'object') Object.values(v).forEach(walk);
      };
      walk(e);
      assert.deepEqual(parseEventLine(JSON.stringify(e)), e);
      // ids are whole numbers (the panel refuses others), and only the engine marks a kill
      if (e.k === 'hello' || e.k === 'lane') assert.ok(Number.isSafeInteger(e.pid) && e.pid > 0, `pid ${e.pid}`);
      if (e.k === 'mark') assert.notEqual(e.m, 'killed');
    }), { numRuns: RUNS.parse });
  });

  it(`a well-behaved program's events, in any order across its processes, fold into a trace that passes checkTrace (${RUNS.fold} runs)`, () => {
    fc.assert(fc.property(wellBehaved, (c) => {
      const trace = foldWellBehaved(c);
      assert.deepEqual(checkTrace(trace), []);
      assert.equal(traceProblem(JSON.parse(JSON.stringify(trace))), undefined);
    }), { numRuns: RUNS.fold });
  });

  it(`any stream at all folds into a trace that passes checkTrace and the panel reads, everything refused counted, never a throw (${RUNS.fold} runs)`, () => {
    fc.assert(fc.property(runCase, (c) => {
      const { trace, skipped } = fold(c);
      const nonEvents = c.lines.filter(([l]) => parseEventLine(l) === undefined).length;
      assert.equal(skipped, nonEvents, 'every refused line is counted');
      // What the builder refused is counted with them, and what it returns is clean: no problem
      // for the engine to list in trace.problems, nothing the panel refuses.
      assert.deepEqual(checkTrace(trace), []);
      assert.equal(traceProblem(JSON.parse(JSON.stringify(trace))), undefined);
    }), { numRuns: RUNS.fold });
  });

  it(`the collector over a real socket: any bytes, any chunking — every line is an event or counted, never a throw (${RUNS.collector} connections)`, async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.oneof({ weight: 12, arbitrary: line }, { weight: 1, arbitrary: fc.constant('z'.repeat(MAX_LINE_CHARS + 10)) }), { maxLength: 40 }),
      fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 8 }),
      async (lines, cuts) => {
        const events: ProgramEvent[] = [];
        const collector = await TraceCollector.start({ onEvent: (e) => events.push(e.event) });
        const socket = net.connect(collector.port, '127.0.0.1');
        socket.on('error', () => undefined);
        try {
          await new Promise((r) => socket.once('connect', r));
          const closed = new Promise((r) => socket.once('close', r));
          socket.write(`${JSON.stringify({ k: 'hello', token: collector.token, runtime: 'node', pid: process.pid, version: 'v' })}\n`);
          await new Promise((r) => socket.once('data', r)); // sync
          // The splitter drops blank lines (not counted) and one trailing \r.
          const body = lines.map((l) => l.replace(/[\r\n]/g, ' ')).join('\n') + '\n';
          for (let at = 0, i = 0; at < body.length; i++) {
            const n = cuts[i % cuts.length];
            socket.write(body.slice(at, at + n));
            at += n;
          }
          socket.end();
          await closed;
          await collector.drain(2000);
          let expectEvents = 1; // hello
          let expectSkipped = 0;
          let clocks = 0;
          for (const l of lines.map((x) => x.replace(/[\r\n]/g, ' ')).filter((x) => x.trim())) {
            const e = l.length > MAX_LINE_CHARS ? undefined : parseEventLine(l);
            if (!e || e.k === 'hello') expectSkipped++;
            else if (e.k === 'clock') expectSkipped += clocks++ === 0 ? 0 : 1; // the first sets the offset
            else if (e.k !== 'dumped') expectEvents++;
          }
          assert.equal(collector.skipped, expectSkipped);
          assert.equal(events.length, expectEvents);
          assert.equal(collector.rejectedConnections, 0);
          assert.ok(events.every((e) => !('t' in e) || Number.isFinite(e.t)), 'mapped times stay numbers');
        } finally {
          socket.destroy();
          await collector.close();
        }
      },
    ), { numRuns: RUNS.collector });
  });

  it('the collector: a stranger’s bytes never count, whatever they are', async () => {
    await fc.assert(fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 10 }), async (lines) => {
      const collector = await TraceCollector.start({}, { helloDeadlineMs: 300 });
      const socket = net.connect(collector.port, '127.0.0.1');
      socket.on('error', () => undefined);
      try {
        const closed = new Promise((r) => socket.once('close', r));
        await new Promise((r) => socket.once('connect', r));
        // anything but a hello with the token first: a wrong token, or any other line
        socket.write(lines.map((l) => l.replace(/[\r\n]/g, ' ')).join('\n') + '\n');
        await closed;
        const first = parseEventLine(lines.map((l) => l.replace(/[\r\n]/g, ' ')).find((l) => l.trim()) ?? '');
        if (first?.k === 'hello' && first.token === collector.token) return; // (cannot happen: random token)
        assert.equal(collector.skipped, 0);
        assert.equal(collector.rejectedConnections, 1);
      } finally {
        socket.destroy();
        await collector.close();
      }
    }), { numRuns: RUNS.collector });
  });
});

// ---- the engine host's IPC -----------------------------------------------------------------------

/** Values as they can arrive over IPC (JSON), and some that cannot, to be safe. */
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true, withObjectString: true, withBoxedValues: true }));
const osString = fc.string({ maxLength: 12 });
const hostRequest = fc.oneof(
  fc.record({ type: fc.constant('run'), id: fc.nat(), scenario: fc.constantFrom(...SCENARIO_IDS, 'nope'), params: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    runtime: optional(fc.constantFrom('node', 'python')), pythonPath: optional(osString), programPath: optional(osString), timeoutMs: optional(fc.integer({ min: 1, max: 600_000 })), extensionRoot: optional(osString) }, { requiredKeys: ['type', 'id', 'scenario', 'params'] }),
  fc.record({ type: fc.constant('trace'), id: fc.nat(), file: osString, args: fc.array(osString, { maxLength: 3 }), cwd: osString,
    runtime: optional(fc.constantFrom('node', 'python')), pythonPath: optional(osString), timeoutMs: optional(fc.integer({ min: 1, max: 600_000 })), extensionRoot: optional(osString) }, { requiredKeys: ['type', 'id', 'file', 'args', 'cwd'] }),
  fc.record({ type: fc.constant('cancel'), id: fc.nat() }),
);
/** A request with one field replaced by any value, or removed. */
const damagedRequest = fc.tuple(hostRequest, fc.nat(), anyValue, fc.boolean()).map(([r, i, v, drop]) => {
  const keys = Object.keys(r);
  const key = keys[i % keys.length];
  const copy: Record<string, unknown> = { ...r };
  if (drop) delete copy[key];
  else copy[key] = v;
  return copy;
});

const noNul = (v: unknown): boolean => typeof v !== 'string' || !v.includes('\0');
const isId = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v);

/** What a request the host accepts must be: the host acts on it without further checks. */
function assertWellFormedToHost(m: NonNullable<ReturnType<typeof parseToHost>>): void {
  assert.ok(isId(m.id), `id ${String(m.id)}`);
  if (m.type === 'cancel') return assert.deepEqual(Object.keys(m).sort(), ['id', 'type']);
  assert.ok(m.runtime === undefined || m.runtime === 'node' || m.runtime === 'python');
  assert.ok(m.timeoutMs === undefined || (Number.isFinite(m.timeoutMs) && m.timeoutMs > 0), `timeoutMs ${m.timeoutMs}`);
  for (const s of [m.pythonPath, m.extensionRoot]) assert.ok(s === undefined || (typeof s === 'string' && noNul(s)));
  if (m.type === 'run') {
    assert.equal(typeof m.scenario, 'string');
    assert.ok(m.params && typeof m.params === 'object' && !Array.isArray(m.params) && Object.getPrototypeOf(m.params) === Object.prototype);
    assert.ok(m.programPath === undefined || (typeof m.programPath === 'string' && noNul(m.programPath)));
  } else {
    assert.ok(typeof m.file === 'string' && m.file.length > 0 && noNul(m.file));
    assert.ok(typeof m.cwd === 'string' && m.cwd.length > 0 && noNul(m.cwd));
    assert.ok(Array.isArray(m.args) && m.args.every((a) => typeof a === 'string' && noNul(a)));
  }
}

describe('fuzz: the engine host protocol', function () {
  this.timeout(60_000);

  it(`parseToHost never throws and accepts only well-formed requests (${RUNS.host} messages)`, () => {
    fc.assert(fc.property(fc.oneof(anyValue, hostRequest, damagedRequest), (m) => {
      const parsed = parseToHost(m);
      if (parsed) assertWellFormedToHost(parsed);
    }), { numRuns: RUNS.host });
  });

  it('parseToHost accepts every well-formed request, as it went over IPC (JSON), unchanged', () => {
    fc.assert(fc.property(hostRequest, (r) => {
      const sent = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
      const parsed = parseToHost(sent);
      if (r.type === 'trace' && (!r.file || !r.cwd || [r.file, r.cwd, ...r.args, r.pythonPath, r.extensionRoot].some((s) => !noNul(s)))) return assert.equal(parsed, undefined);
      if (r.type === 'run' && [r.pythonPath, r.programPath, r.extensionRoot].some((s) => !noNul(s))) return assert.equal(parsed, undefined);
      assert.ok(parsed, JSON.stringify(r));
      for (const [k, v] of Object.entries(sent)) assert.deepEqual((parsed as unknown as Record<string, unknown>)[k], v, k);
    }), { numRuns: RUNS.host / 3 });
  });

  it(`parseFromHost never throws and accepts only well-formed replies (${RUNS.host} messages)`, () => {
    const reply = fc.oneof(
      fc.record({ type: fc.constant('progress'), id: fc.nat(), progress: fc.oneof(anyValue, fc.record({ kind: fc.constant('variant'), variant: fc.string(), index: fc.integer(), count: fc.integer(), argv: fc.array(fc.string()) }), fc.record({ kind: fc.constant('note'), note: fc.constantFrom(...PROGRESS_NOTES, 'other'), args: fc.array(fc.string()) })) }),
      fc.record({ type: fc.constant('result'), id: fc.nat(), trace: anyValue }),
      fc.record({ type: fc.constant('error'), id: fc.nat(), kind: fc.string({ maxLength: 8 }), message: fc.string(), output: optional(anyValue), trace: optional(anyValue) }, { requiredKeys: ['type', 'id', 'kind', 'message'] }),
    );
    const damaged = fc.tuple(reply, fc.nat(), anyValue).map(([r, i, v]) => ({ ...r, [Object.keys(r)[i % Object.keys(r).length]]: v }));
    fc.assert(fc.property(fc.oneof(anyValue, reply, damaged), (m) => {
      const parsed = parseFromHost(m);
      if (!parsed) return;
      assert.ok(isId(parsed.id), `id ${String(parsed.id)}`);
      if (parsed.type === 'progress') assert.ok(isRunProgress(parsed.progress) && (parsed.progress.kind === 'note' ? PROGRESS_NOTES.includes(parsed.progress.note) : parsed.progress.index >= 1));
      else if (parsed.type === 'result') assert.ok(parsed.trace && typeof parsed.trace === 'object' && !Array.isArray(parsed.trace));
      else {
        assert.ok(typeof parsed.kind === 'string' && typeof parsed.message === 'string');
        assert.ok(parsed.output === undefined || typeof parsed.output === 'string', 'output is text');
        assert.ok(parsed.trace === undefined || (typeof parsed.trace === 'object' && parsed.trace !== null && !Array.isArray(parsed.trace)), 'trace is an object');
      }
    }), { numRuns: RUNS.host });
  });
});

// ---- the webview ---------------------------------------------------------------------------------

/** Webview messages arrive as JSON. */
const jsonValue = fc.jsonValue({ maxDepth: 4 });
const webviewMessage = fc.oneof(
  fc.record({ type: fc.constantFrom('ready', 'cancel') }),
  fc.record({ type: fc.constant('run'), request: fc.record({ scenario: fc.constantFrom(...SCENARIO_IDS, 'x'), runtime: fc.constantFrom('node', 'python', 'ruby'), params: fc.dictionary(fc.string({ maxLength: 5 }), jsonValue, { maxKeys: 3 }) }) }),
  fc.record({
    type: fc.constant('save'),
    format: fc.constantFrom('chrome-trace', 'png', 'svg', 'csv', 'gif'),
    fileName: fc.oneof(fc.constantFrom('a.json', 'a.png', 'a.svg', 'a.csv', '../a.csv', 'C:a.png', 'a\\b.svg'), fc.string().map((n) => `${n}.csv`)),
    content: optional(fc.oneof(fc.string(), fc.base64String())),
  }),
  fc.record({ type: fc.constant('log'), level: fc.constantFrom('info', 'warn', 'error', 'debug'), message: fc.oneof(fc.string(), fc.constant('m'.repeat(5000))) }),
);

describe('fuzz: the webview protocol', function () {
  this.timeout(60_000);

  it(`parseFromWebview never throws and accepts only well-formed messages (${RUNS.webview} messages)`, () => {
    const damaged = fc.tuple(webviewMessage, fc.string({ maxLength: 8 }), jsonValue).map(([m, k, v]) => ({ ...m, [k]: v }));
    fc.assert(fc.property(fc.oneof(jsonValue, webviewMessage, damaged), (m) => {
      const r = parseFromWebview(m);
      if (!r.ok) return assert.equal(typeof r.error, 'string');
      const v = r.value;
      switch (v.type) {
        case 'ready':
        case 'cancel':
          return assert.deepEqual(Object.keys(v), ['type']);
        case 'run':
          assert.ok((SCENARIO_IDS as readonly string[]).includes(v.request.scenario));
          assert.ok(v.request.runtime === 'node' || v.request.runtime === 'python');
          return assert.ok(v.request.params && typeof v.request.params === 'object' && !Array.isArray(v.request.params));
        case 'save':
          assert.ok(['chrome-trace', 'png', 'svg', 'csv'].includes(v.format));
          assert.ok(!/[\\/:\0]/.test(v.fileName) && v.fileName.endsWith(`.${EXPORT_FILES[v.format].extension}`), v.fileName);
          assert.ok(!EXPORT_FILES[v.format].base64 || /^[A-Za-z0-9+/]*=*$/.test(v.content));
          return assert.equal(typeof v.content, 'string');
        case 'log':
          assert.ok(['info', 'warn', 'error'].includes(v.level));
          return assert.ok(typeof v.message === 'string' && v.message.length <= 4000);
        default:
          assert.fail(`unknown accepted type ${(v as { type: string }).type}`);
      }
    }), { numRuns: RUNS.webview });
  });

  it(`the trace validator never throws on damaged traces, and accepts the engine's own (${RUNS.traces} traces)`, () => {
    // Start from traces the builder made, then damage one value anywhere in them.
    const built = wellBehaved.map(foldWellBehaved);
    const damage = fc.tuple(built, fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), jsonValue, fc.boolean());
    fc.assert(fc.property(damage, ([trace, path, value, drop]) => {
      const copy = JSON.parse(JSON.stringify(trace)) as Record<string, unknown>;
      assert.equal(traceProblem(copy), undefined, 'an engine trace is readable');
      // walk a random path into the trace and replace (or delete) what is there
      let node: unknown = copy;
      for (let i = 0; i < path.length; i++) {
        if (!node || typeof node !== 'object') break;
        const keys = Object.keys(node);
        if (!keys.length) break;
        const key = keys[path[i] % keys.length];
        const child = (node as Record<string, unknown>)[key];
        if (i === path.length - 1 || !child || typeof child !== 'object') {
          if (drop) delete (node as Record<string, unknown>)[key];
          else (node as Record<string, unknown>)[key] = value;
          break;
        }
        node = child;
      }
      const problem = traceProblem(copy);
      assert.ok(problem === undefined || typeof problem === 'string');
      // and inside every message that carries a trace
      for (const msg of [{ type: 'run-result', runId: 1, trace: copy }, { type: 'run-failed', runId: 1, error: 'e', trace: copy }]) {
        const r = parseToWebview(msg);
        assert.equal(r.ok, problem === undefined, `${msg.type}: ${r.ok ? 'accepted' : r.error} / ${problem}`);
      }
    }), { numRuns: RUNS.traces });
  });

  it(`parseToWebview and the trace validator never throw on anything at all (${RUNS.webview} values)`, () => {
    fc.assert(fc.property(fc.oneof(jsonValue, fc.record({ type: fc.constantFrom('init', 'run-started', 'run-progress', 'run-result', 'run-failed'), runId: fc.oneof(fc.nat(), jsonValue), trace: jsonValue, strings: jsonValue, locale: jsonValue, defaultRuntime: jsonValue, pythonAvailable: jsonValue, progress: jsonValue, error: jsonValue, request: jsonValue }, { requiredKeys: ['type'] })), (m) => {
      const r = parseToWebview(m);
      assert.ok(r.ok || typeof r.error === 'string');
      const p = traceProblem(m);
      assert.ok(p === undefined || typeof p === 'string');
    }), { numRuns: RUNS.webview });
  });
});
