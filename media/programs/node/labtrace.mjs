// @ts-check
/**
 * labtrace: the explicit Node tracer (the twin of labtrace.py), for a program that declares its own
 * lanes, marks and variants. The lesson programs no longer use it: they are plain code, traced by
 * the preload (autotrace.mjs); a program that imports this module is run without the preload.
 *
 * With `CLAB_TRACE=host:port:token` set, the main thread of each process opens one TCP connection to
 * the engine's collector and writes the events of src/shared/events.ts, one JSON object per line.
 * Unset, every call returns at once and the program is a plain lesson program.
 *
 * Worker threads do not connect: they post their events to the thread that created them, which
 * writes them on. Events go over the worker's own parentPort (wrapped in a tagged object) because Node
 * delivers every message a worker posted before it emits 'exit', so an awaited worker loses nothing.
 * Start traced workers with `TracedWorker`, which takes the tagged messages out before the program's
 * own 'message' listeners see them. Child processes are traced by calling `start()` themselves.
 *
 * Times are taken where the event happens (ns of `process.hrtime.bigint()`), so forwarding delay
 * never shifts a timestamp.
 */
import { readlinkSync } from 'node:fs';
import { isMainThread, parentPort, threadId, Worker } from 'node:worker_threads';
import { handshake, now, parseAddress } from './autotrace-channel.mjs';

export { now };

/** @typedef {'cpu' | 'sleeping' | 'io' | 'lock-wait' | 'idle'} Intent */
/** @typedef {'main' | 'thread' | 'worker' | 'process'} LaneKind */
/** @typedef {'start' | 'end' | 'join' | 'acquire' | 'release' | 'task' | 'killed'} MarkKind */
/** @typedef {Record<string, unknown> & { k: string }} TraceEvent */

const TAG = '__clabTrace';
const CLOSE_TIMEOUT_MS = 2000;

const address = process.env.CLAB_TRACE ?? '';
/** In a worker, tracing is on when the process traces (the env is inherited). */
let active = address !== '' && !isMainThread;
/** @type {import('node:net').Socket | undefined} */
let socket;
let closed = false;
let laneCounter = 0;
/** The lane of the calling thread (module state is per thread in Node). */
/** @type {{ id: string, state: Intent } | undefined} */
let current;
/** Read on the first lane only, so an untraced worker makes no system call for it. */
/** @type {number | undefined | null} */
let nativeTid = null;
/** @type {(() => { user: number, system: number }) | undefined} */
const threadCpuUsage = /** @type {any} */ (process).threadCpuUsage;

/** True when events are being recorded. */
export function tracing() {
  return active;
}

function readNativeTid() {
  if (isMainThread) return process.pid;
  try {
    // "PID/task/TID": the OS thread behind this worker, which the engine samples for running vs ready.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) ? tid : undefined;
  } catch {
    return undefined; // no /proc (not Linux): the engine then falls back to `c` or plain intent
  }
}

/** This thread's CPU time in ns, where the runtime can tell (Node ≥ 22.15). */
function threadCpuNs() {
  if (!threadCpuUsage) return undefined;
  const u = threadCpuUsage.call(process);
  return (u.user + u.system) * 1000;
}

/** @param {TraceEvent} event */
function send(event) {
  if (!active) return;
  if (!isMainThread) {
    parentPort?.postMessage({ [TAG]: event });
  } else if (socket && !closed) {
    // write() hands small writes to the kernel at once, so events reach the engine even while this
    // thread then blocks in a CPU loop.
    socket.write(JSON.stringify(event) + '\n');
  }
}

/**
 * Connects to the engine and does the clock handshake. Call it once, in the main thread of every
 * traced process, before the first variant or lane. Resolves to whether tracing is on.
 */
export async function start() {
  if (!isMainThread || address === '' || socket) return active;
  const { host, port, token } = parseAddress(address);
  try {
    socket = await handshake(host, port, token);
    socket.resume(); // nothing more is expected from the engine: read and drop it
    socket.on('error', (err) => {
      if (!closed) process.stderr.write(`labtrace: event channel failed: ${err.message}\n`);
      active = false;
    });
    // Unref'd so a program that forgets close() still exits; writes in flight keep the process alive.
    socket.unref();
    active = true;
    process.once('beforeExit', () => void close());
  } catch (err) {
    process.stderr.write(`labtrace: not tracing (${/** @type {Error} */ (err).message})\n`);
    socket?.destroy();
    socket = undefined;
  }
  return active;
}

/**
 * Flushes and closes the event channel. Waits until the engine has read everything (its side closes
 * after our end), so events of a child process are in before its parent reports the variant's end.
 */
export async function close() {
  if (!socket || closed) return;
  closed = true;
  const conn = socket;
  await new Promise((resolve) => {
    const timer = setTimeout(() => {
      conn.destroy();
      resolve(undefined);
    }, CLOSE_TIMEOUT_MS);
    conn.once('close', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    conn.end();
  });
  active = false;
}

/** A variant starts: sends `variant` and opens the main thread's lane, in state `cpu`. */
export function variant(/** @type {string} */ id, /** @type {string} */ title) {
  send({ k: 'variant', id, title, t: now() });
  lane('MainThread', isMainThread ? 'main' : 'worker');
}

/**
 * A variant ends, with the program's own wall and CPU time; closes the caller's lane if still open.
 * @param {string} id @param {number} wallNs @param {number} [cpuNs]
 */
export function variantEnd(id, wallNs, cpuNs) {
  endLane();
  /** @type {TraceEvent} */
  const event = { k: 'variant-end', id, t: now(), wall: Math.round(wallNs) };
  if (cpuNs !== undefined) event.cpu = Math.round(cpuNs);
  send(event);
}

/**
 * The calling thread starts a lane (ending the one it had), in state `cpu`. Returns the lane id.
 * @param {string} name @param {LaneKind} kind @param {{ daemon?: boolean }} [options]
 */
export function lane(name, kind, options = {}) {
  if (!active) return '';
  if (current) endLane();
  const id = `${process.pid}-${threadId}-${++laneCounter}`;
  /** @type {TraceEvent} */
  const event = { k: 'lane', lane: id, name, kind, pid: process.pid, t: now() };
  if (options.daemon !== undefined) event.daemon = options.daemon;
  if (nativeTid === null) nativeTid = readNativeTid();
  if (nativeTid !== undefined) event.tid = nativeTid;
  const c = threadCpuNs();
  if (c !== undefined) event.c = c;
  send(event);
  current = { id, state: 'cpu' };
  state('cpu', undefined, true);
  return id;
}

/** The calling thread's lane ends. */
export function endLane() {
  if (!current) return;
  /** @type {TraceEvent} */
  const event = { k: 'end', lane: current.id, t: now() };
  const c = threadCpuNs();
  if (c !== undefined) event.c = c;
  send(event);
  current = undefined;
}

/**
 * The calling thread's lane switches to `s`. `cpu` means "wants to run code": the engine measures
 * whether it really ran or waited for a core.
 * @param {Intent} s @param {string} [note] @param {boolean} [force] send even if unchanged
 */
export function state(s, note, force = false) {
  if (!current || (!force && current.state === s && note === undefined)) return;
  current.state = s;
  /** @type {TraceEvent} */
  const event = { k: 'state', lane: current.id, s, t: now() };
  if (note !== undefined) event.note = note;
  const c = threadCpuNs();
  if (c !== undefined) event.c = c;
  send(event);
}

/** The intent of the calling thread's lane, e.g. to restore it after a wait. */
export function currentState() {
  return current?.state ?? 'cpu';
}

/** A moment on the calling thread's lane. @param {MarkKind} kind @param {string} [note] */
export function mark(kind, note) {
  if (!current) return;
  /** @type {TraceEvent} */
  const event = { k: 'mark', lane: current.id, m: kind, t: now() };
  if (note !== undefined) event.note = note;
  send(event);
}

/** The variant's result, e.g. expected and actual balance. */
export function outcome(/** @type {{ expected?: number | string, actual?: number | string, ok?: boolean }} */ result) {
  send({ k: 'outcome', ...result });
}

/**
 * Runs `fn` with the lane in state `s`, then restores the previous state.
 * @template T @param {Intent} s @param {() => T} fn @param {string} [note] @returns {T}
 */
export function during(s, fn, note) {
  const before = currentState();
  state(s, note);
  try {
    return fn();
  } finally {
    state(before);
  }
}

/**
 * The async twin of `during`.
 * @template T @param {Intent} s @param {() => Promise<T>} fn @param {string} [note] @returns {Promise<T>}
 */
export async function duringAsync(s, fn, note) {
  const before = currentState();
  state(s, note);
  try {
    return await fn();
  } finally {
    state(before);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` (as `time.sleep` blocks a Python thread), traced as `sleeping`. */
export function sleepSync(/** @type {number} */ ms, /** @type {string} */ note) {
  during('sleeping', () => Atomics.wait(sleeper, 0, 0, ms), note);
}

/** Waits `ms` without blocking the thread's event loop, traced as `sleeping`. */
export function sleep(/** @type {number} */ ms, /** @type {string} */ note) {
  return duringAsync('sleeping', () => new Promise((resolve) => setTimeout(resolve, ms)), note);
}

/** @param {unknown} message @returns {message is { [TAG]: TraceEvent }} */
function isTraceMessage(message) {
  return typeof message === 'object' && message !== null && TAG in message;
}

/**
 * A worker_threads Worker whose trace events are passed on to the engine. The program's own
 * 'message' listeners see only the program's messages.
 */
export class TracedWorker extends Worker {
  /** @param {string | symbol} name @param {any[]} args */
  emit(name, ...args) {
    if (name === 'message' && isTraceMessage(args[0])) {
      send(args[0][TAG]);
      return true;
    }
    return super.emit(name, ...args);
  }
}
