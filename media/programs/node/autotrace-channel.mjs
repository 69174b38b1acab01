// @ts-check
/**
 * The event channel's handshake, shared by the lesson tracer (labtrace.mjs) and the automatic
 * tracer (autotrace.mjs): `CLAB_TRACE=host:port:token`, then hello → sync → clock as
 * src/shared/events.ts describes.
 */
import net from 'node:net';

const HANDSHAKE_TIMEOUT_MS = 5000;

/** @typedef {{ t0: number, t1: number, te: number }} ClockSample */

/** The clock measurement this thread sent (its own, or the one it was given). */
/** @type {ClockSample | undefined} */
let sent;

/** What this thread's handshake sent as `clock`, to hand on to the threads it starts. */
export function measuredClock() {
  return sent;
}

/** Monotonic clock in ns, the clock every event is stamped with. */
export function now() {
  return Number(process.hrtime.bigint());
}

/**
 * `host:port:token` → its parts (the token may itself contain ':').
 * @param {string} address
 */
export function parseAddress(address) {
  const [host, portText, ...tokenParts] = address.split(':');
  return { host: host || '127.0.0.1', port: Number(portText), token: tokenParts.join(':') };
}

/**
 * hello → sync → clock. The offset comes from t0 (before hello), the engine's time in sync and
 * t1 (when sync arrived); the engine takes the midpoint of t0 and t1, so its error is up to half the
 * round trip (milliseconds on a busy machine). `inherited`: the measurement the thread that started
 * this one sent, on the same clock (one process); sent instead of ours, so all the threads of a
 * process share one offset and their events keep their true order across lanes. With it there is
 * nothing to measure: hello and clock go out at once and the engine's sync line is left to the
 * caller's reader, so a Worker does not wait a round trip before its program starts.
 * Resolves with the connected socket, no longer read: the caller decides what to do with later
 * engine lines.
 * @param {string} host @param {number} port @param {string} token @param {ClockSample} [inherited]
 * @returns {Promise<net.Socket>}
 */
export function handshake(host, port, token, inherited) {
  return new Promise((resolve, reject) => {
    const conn = net.connect({ host, port });
    conn.setNoDelay(true);
    conn.setEncoding('utf8');
    const timer = setTimeout(() => fail(new Error('no reply from the engine')), HANDSHAKE_TIMEOUT_MS);
    let t0 = 0;
    let pending = '';
    /** @param {Error} err */
    const fail = (err) => {
      clearTimeout(timer);
      conn.destroy();
      reject(err);
    };
    /** @param {string} chunk */
    const onData = (chunk) => {
      const t1 = now();
      pending += chunk;
      const newline = pending.indexOf('\n');
      if (newline < 0) return;
      let reply;
      try {
        reply = JSON.parse(pending.slice(0, newline));
      } catch {
        return fail(new Error('unreadable reply from the engine'));
      }
      if (reply?.k !== 'sync' || typeof reply.t !== 'number') return fail(new Error('unexpected reply'));
      clearTimeout(timer);
      conn.off('data', onData);
      conn.off('error', fail);
      sent = { t0, t1, te: reply.t };
      conn.write(JSON.stringify({ k: 'clock', ...sent }) + '\n');
      resolve(conn);
    };
    conn.on('error', fail);
    conn.on('data', onData);
    conn.once('connect', () => {
      t0 = now();
      const hello = { k: 'hello', token, runtime: 'node', pid: process.pid, version: process.version };
      conn.write(JSON.stringify(hello) + '\n');
      if (inherited) {
        clearTimeout(timer);
        conn.off('data', onData);
        conn.off('error', fail);
        sent = inherited;
        conn.write(JSON.stringify({ k: 'clock', ...inherited }) + '\n');
        resolve(conn);
      }
    });
  });
}
