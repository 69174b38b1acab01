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

  it('skips and counts garbage, over-long and pre-hello lines, and closes wrong-token connections', async () => {
    const { collector, events } = await collect();
    const early = net.connect(collector.port, '127.0.0.1');
    await new Promise((r) => early.once('connect', r));
    early.write('{"k":"variant","id":"x","title":"x","t":1}\n'); // before hello: skipped
    const c = await client(collector, 0);
    c.socket.write('not json\n{"k":"nope"}\n{"k":"state","lane":"a","s":"flying","t":1}\n');
    c.socket.write(`{"k":"mark","note":"${'y'.repeat(70_000)}"}\n`);
    c.socket.write('{"k":"lane","lane":"a","name":"A",');
    await new Promise((r) => setTimeout(r, 20));
    c.socket.write(`"kind":"thread","pid":1,"t":${c.clock()}}\n`);
    const bad = await client(collector, 0, 'wrong');
    await bad.closed;
    await until(() => events.some((e) => e.event.k === 'lane') && collector.skipped >= 5);
    assert.equal(collector.skipped, 5); // 1 pre-hello + 3 invalid + 1 over-long
    assert.equal(collector.rejectedConnections, 1);
    assert.equal(bad.reply, undefined, 'no sync for a wrong token');
    assert.ok(events.some((e) => e.event.k === 'lane'), 'a line split across writes still arrives');
    early.destroy();
    c.socket.end();
    await collector.close();
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
      '{"k":"mark","lane":"a","m":"start","t":null}', '{"k":"variant-end","id":"v","t":1}', 'null', '42', '{"k":"clock","t0":1,"t1":2}']) {
      assert.equal(parseEventLine(bad), undefined, bad);
    }
  });
});
