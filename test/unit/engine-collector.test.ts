import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { engineNowNs } from '../../src/engine/clock';
import { TraceCollector, type CollectedEvent } from '../../src/engine/collector';
import { parseEventLine } from '../../src/engine/eventParse';
import { LineSplitter } from '../../src/engine/lineSplitter';

/** A hand-driven client whose clock runs `skewNs` ahead of the engine's. */
async function client(collector: TraceCollector, skewNs: number, token = collector.token) {
  const socket = net.connect(collector.port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise((r) => socket.once('connect', r));
  const closed = new Promise((r) => socket.once('close', r));
  const clock = (): number => engineNowNs() + skewNs;
  const send = (o: object): boolean => socket.write(`${JSON.stringify(o)}\n`);
  const t0 = clock();
  send({ k: 'hello', token, runtime: 'node', pid: process.pid, version: process.version });
  const reply = await new Promise<string | undefined>((resolve) => {
    socket.once('data', (d) => resolve(String(d)));
    socket.once('close', () => resolve(undefined));
  });
  if (reply) send({ k: 'clock', t0, t1: clock(), te: JSON.parse(reply).t });
  return { socket, send, clock, reply, closed };
}

async function collect(): Promise<{ collector: TraceCollector; events: CollectedEvent[]; closes: number[] }> {
  const events: CollectedEvent[] = [];
  const closes: number[] = [];
  const collector = await TraceCollector.start({ onEvent: (e) => events.push(e), onClose: (c) => closes.push(c) });
  return { collector, events, closes };
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
};

describe('engine collector', () => {
  it('answers hello with sync and maps a skewed clock onto engine time', async () => {
    const { collector, events } = await collect();
    const skew = 3_000_000_000; // the program's clock is 3 s ahead
    const c = await client(collector, skew);
    assert.match(c.reply ?? '', /^\{"k":"sync","t":\d+\}\n$/);
    const sentAt = engineNowNs();
    c.send({ k: 'variant', id: 'v', title: 'V', t: c.clock() });
    await until(() => events.some((e) => e.event.k === 'variant'));
    const variant = events.find((e) => e.event.k === 'variant')!;
    const t = (variant.event as { t: number }).t;
    // mapped within a few ms of when it was really sent (localhost round trip ≪ 3 s skew)
    assert.ok(Math.abs(t - sentAt) < 20e6, `mapped t off by ${(t - sentAt) / 1e6} ms`);
    const offset = collector.offsets.values().next().value as number;
    assert.ok(Math.abs(offset + skew) < 20e6, `offset ${offset} should be about -${skew}`);
    c.socket.end();
    await collector.close();
  });

  it('skips and counts garbage and over-long lines, and closes connections that do not start with a valid hello', async () => {
    const { collector, events } = await collect();
    // A line before hello ends the connection, even if a valid hello follows: the tracers send nothing first.
    const early = net.connect(collector.port, '127.0.0.1');
    early.on('error', () => undefined);
    await new Promise((r) => early.once('connect', r));
    const earlyClosed = new Promise((r) => early.once('close', r));
    early.write(`{"k":"variant","id":"x","title":"x","t":1}\n${JSON.stringify({ k: 'hello', token: collector.token, runtime: 'node', pid: 1, version: 'v' })}\n`);
    const c = await client(collector, 0);
    try {
      c.socket.write('not json\n{"k":"nope"}\n{"k":"state","lane":"a","s":"flying","t":1}\n');
      c.socket.write(`{"k":"mark","note":"${'y'.repeat(70_000)}"}\n`);
      c.socket.write('{"k":"lane","lane":"a","name":"A",');
      await new Promise((r) => setTimeout(r, 20));
      c.socket.write(`"kind":"thread","pid":1,"t":${c.clock()}}\n`);
      const bad = await client(collector, 0, 'wrong');
      await bad.closed;
      await earlyClosed;
      await until(() => events.some((e) => e.event.k === 'lane') && collector.skipped >= 4);
      assert.equal(collector.skipped, 4); // 3 invalid + 1 over-long, all on the authenticated connection
      assert.equal(collector.rejectedConnections, 2);
      assert.deepEqual(collector.rejectedBy, { 'not-hello': 1, token: 1 });
      assert.equal(bad.reply, undefined, 'no sync for a wrong token');
      assert.ok(events.some((e) => e.event.k === 'lane'), 'a line split across writes still arrives');
      assert.equal(events.filter((e) => e.event.k === 'hello').length, 1, 'only the real client said hello');
    } finally {
      early.destroy();
      c.socket.end();
      await collector.close();
    }
  });

  it('closes a connection that never authenticates, without counting its garbage as skipped events', async () => {
    const { collector, events } = await collect();
    const good = await client(collector, 0);
    // A local stranger: garbage lines, then a partial line, never a hello; it never closes on its own.
    const stranger = net.connect(collector.port, '127.0.0.1');
    stranger.on('error', () => undefined);
    // Silent: connects and says nothing at all.
    const silent = net.connect(collector.port, '127.0.0.1');
    silent.on('error', () => undefined);
    try {
      await new Promise((r) => stranger.once('connect', r));
      const strangerClosed = new Promise((r) => stranger.once('close', r));
      const silentClosed = new Promise((r) => silent.once('close', r));
      stranger.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n{"k":"state","lane":"a","s":"cpu","t":1}\nnot json\n{"k":"var');
      const started = Date.now();
      await Promise.race([Promise.all([strangerClosed, silentClosed]), new Promise((_r, reject) => setTimeout(() => reject(new Error('still open after 5 s')), 5000).unref())]);
      assert.ok(Date.now() - started < 4000, `closed after ${Date.now() - started} ms`);
      good.send({ k: 'lane', lane: 'a', name: 'A', kind: 'thread', pid: 1, t: good.clock() });
      good.socket.write('not json\n');
      await until(() => events.some((e) => e.event.k === 'lane') && collector.skipped >= 1);
      assert.equal(collector.skipped, 1, 'only the authenticated connection’s bad line counts');
      assert.equal(collector.rejectedConnections, 2);
      assert.deepEqual(collector.rejectedBy, { 'not-hello': 1, deadline: 1 });
      assert.ok(events.every((e) => e.conn === events[0].conn), 'no event from the strangers');
    } finally {
      stranger.destroy();
      silent.destroy();
      good.socket.end();
      await collector.close();
    }
  });

  it('closes a connection that is silent past the deadline, or whose first line is too long for a hello', async () => {
    const collector = await TraceCollector.start({}, { helloDeadlineMs: 200 });
    const silent = net.connect(collector.port, '127.0.0.1');
    const long = net.connect(collector.port, '127.0.0.1');
    for (const s of [silent, long]) s.on('error', () => undefined);
    try {
      const closed = [silent, long].map((s) => new Promise((r) => s.once('close', r)));
      await new Promise((r) => long.once('connect', r));
      long.write('x'.repeat(10_000)); // no newline: never a hello
      await Promise.all(closed);
      assert.deepEqual(collector.rejectedBy, { deadline: 1, 'too-long': 1 });
      assert.equal(collector.skipped, 0);
    } finally {
      silent.destroy();
      long.destroy();
      await collector.close();
    }
  });

  it('lets no stranger hold up the end of a run', async () => {
    const { collector } = await collect();
    const stranger = net.connect(collector.port, '127.0.0.1');
    stranger.on('error', () => undefined);
    try {
      await new Promise((r) => stranger.once('connect', r));
      const c = await client(collector, 0);
      c.socket.end();
      await c.closed;
      const started = Date.now();
      await collector.drain(3000);
      assert.ok(Date.now() - started < 500, `drain waited ${Date.now() - started} ms for an unauthenticated connection`);
    } finally {
      stranger.destroy();
      await collector.close();
    }
  });

  it('takes no killed mark from a program, and no pid that is not a whole positive number: refused and counted', async () => {
    const { collector, events } = await collect();
    const c = await client(collector, 0);
    try {
      const t = c.clock();
      c.send({ k: 'lane', lane: 'a', name: 'A', kind: 'thread', pid: 1, tid: 3, t });
      c.send({ k: 'end', lane: 'a', t: t + 1 });
      // Only the engine says a thread was killed (when its process went away while it ran).
      c.send({ k: 'mark', lane: 'a', m: 'killed', t: t + 2 });
      for (const pid of [1.5, 0, -5, 1e300]) c.send({ k: 'lane', lane: 'b', name: 'B', kind: 'thread', pid, t });
      c.send({ k: 'lane', lane: 'b', name: 'B', kind: 'thread', pid: 2, tid: 2.5, t });
      c.send({ k: 'stuck', lane: 'a', frames: [{ file: 'x.py', line: 3.5, func: 'f' }] });
      c.send({ k: 'mark', lane: 'a', m: 'release', t: t + 3 });
      await until(() => events.some((e) => e.event.k === 'mark'));
      assert.deepEqual(events.map((e) => e.event.k), ['hello', 'lane', 'end', 'mark']);
      assert.equal(collector.skipped, 7);
    } finally {
      c.socket.end();
      await collector.close();
    }
  });

  it('refuses a hello whose pid is not a whole positive number: the connection is not the program’s', async () => {
    const { collector, events } = await collect();
    const sockets: net.Socket[] = [];
    try {
      for (const pid of [process.pid + 0.5, -process.pid]) {
        const bad = net.connect(collector.port, '127.0.0.1');
        sockets.push(bad);
        bad.on('error', () => undefined);
        await new Promise((r) => bad.once('connect', r));
        const closed = new Promise((r) => bad.once('close', r));
        bad.write(`${JSON.stringify({ k: 'hello', token: collector.token, runtime: 'node', pid, version: 'v' })}\n`);
        await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
      }
      assert.equal(collector.rejectedConnections, 2);
      assert.deepEqual(events, [], 'no hello taken');
    } finally {
      for (const s of sockets) s.destroy();
      await collector.close();
    }
  });

  it('absorbs a burst of events (figure logged for docs/engine.md)', async () => {
    const { collector, events } = await collect();
    const c = await client(collector, 0);
    const n = 100_000;
    const start = engineNowNs();
    let batch = '';
    for (let i = 0; i < n; i++) {
      batch += `{"k":"state","lane":"L${i % 8}","s":"${i % 2 ? 'cpu' : 'sleeping'}","t":${c.clock()}}\n`;
      if (batch.length > 60_000) {
        c.socket.write(batch);
        batch = '';
      }
    }
    c.socket.write(batch);
    await until(() => events.length >= n + 1, 30_000);
    const secs = (engineNowNs() - start) / 1e9;
    assert.equal(events.length, n + 1); // + hello
    console.log(`      collector: ${n} events in ${secs.toFixed(2)} s = ${Math.round(n / secs)} events/s`);
    c.socket.end();
    await collector.close();
  });
});

describe('engine line splitter', () => {
  it('joins partial lines and drops over-long ones up to their newline', () => {
    const s = new LineSplitter(10);
    assert.deepEqual(s.push('ab'), []);
    assert.deepEqual(s.push('c\nde'), ['abc']);
    assert.deepEqual(s.push('fghijklmnop'), []);
    assert.deepEqual(s.push('qr\nok\n'), ['ok']);
    assert.equal(s.overlong, 1);
    assert.deepEqual(s.push('tail'), []);
    assert.equal(s.flush(), 'tail');
  });
});

describe('engine event parsing', () => {
  it('accepts well-formed events, treats null as absent and refuses malformed ones', () => {
    assert.deepEqual(parseEventLine('{"k":"lane","lane":"a","name":"A","kind":"thread","pid":1,"tid":null,"t":5}'),
      { k: 'lane', lane: 'a', name: 'A', kind: 'thread', pid: 1, t: 5 });
    for (const bad of ['{"k":"lane","lane":"a","name":"A","kind":"fiber","pid":1,"t":5}', '{"k":"state","lane":"a","s":"cpu","t":"5"}',
      '{"k":"mark","lane":"a","m":"start","t":null}', '{"k":"variant-end","id":"v","t":1}', 'null', '42', '{"k":"clock","t0":1,"t1":2}',
      '{"k":"mark","lane":"a","m":"killed","t":1}', '{"k":"lane","lane":"a","name":"A","kind":"thread","pid":1.5,"t":5}',
      '{"k":"hello","token":"x","runtime":"node","pid":0,"version":"v"}', '{"k":"stuck","lane":"a","frames":[{"file":"f","line":-1,"func":"g"}]}']) {
      assert.equal(parseEventLine(bad), undefined, bad);
    }
  });
});
