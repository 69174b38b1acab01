// @ts-check
/**
 * The automatic Node tracer: instruments an unmodified program, one thread at a time. Loaded by
 * autotrace.mjs in every thread (main, each Worker) of every Node process of a run. Each thread opens
 * its own connection to the engine (hello → sync → clock), announces its lane, and reports what it
 * does: 'cpu' while JavaScript runs, and why it does not when it does not. See docs/node-tracer.md.
 *
 * Rules every hook follows:
 * - the program's behaviour never changes: the same arguments reach the original, the same results
 *   and exceptions come back, and a failure inside the tracer never reaches the program;
 * - events are written synchronously to the socket's file descriptor, so a thread that then blocks
 *   (Atomics.wait, a CPU loop) has already told the engine, and no tracer callback is queued;
 * - the tracer's own callbacks (its socket, timer, channel) are not the program's JavaScript.
 */
import { createHook, executionAsyncId } from 'node:async_hooks';
import childProcess from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import workerThreads from 'node:worker_threads';
import { handshake, measuredClock, now, parseAddress } from './autotrace-channel.mjs';

/** @typedef {'cpu' | 'sleeping' | 'io' | 'lock-wait' | 'join-wait' | 'idle'} Intent */
/** @typedef {{ file: string, line: number, func: string }} Frame */
/**
 * A worker or child process this thread started: its end is something the thread may wait for.
 * `refd`: a Worker that keeps the event loop alive (not `unref()`'d, Node's daemon thread);
 * `base`: its listeners per event before the program added any (Node's own and the tracer's).
 * @typedef {{ obj: import('node:events').EventEmitter, name: string, kind: 'worker' | 'process', terminating: boolean, refd?: boolean, base?: Map<string | symbol, number> }} Joinable
 */

const { isMainThread, threadId, BroadcastChannel, SHARE_ENV } = workerThreads;

// Originals, kept before anything is patched: the tracer itself must never go through a hook.
const writeSync = fs.writeSync;
const fstatSync = fs.fstatSync;
const readlinkSync = fs.readlinkSync;
const atomicsWait = Atomics.wait;
const atomicsWaitAsync = /** @type {any} */ (Atomics).waitAsync;
const stringify = JSON.stringify;
const perf = globalThis.performance;
const setTimer = globalThis.setTimeout; // a program's fake timers must not stop the tracer's
/** @type {(() => { user: number, system: number }) | undefined} */
const threadCpuUsage = /** @type {any} */ (process).threadCpuUsage;

/** Idle gaps and synchronous file calls shorter than this stay inside the surrounding 'cpu' span
 *  (the engine's kernel sampler splits those finer). Node timers have 1 ms resolution. */
const QUANTUM_NS = 1_000_000;
const QUANTUM_MS = 1;
/** Env variables a parent passes to the threads and processes it starts. */
const ENV_WORKER = 'CLAB_WORKER_INFO';
const ENV_SPAWN = 'CLAB_SPAWN_INFO';
const ENV_ROOT = 'CLAB_TRACE_ROOT';
const CHANNEL = 'concurrency-lab-autotrace';
const REFD_NOTE = 'a ref’d Worker keeps the event loop alive';
const PRELOAD_URL = new URL('./autotrace.mjs', import.meta.url).href;
const OWN_DIR = path.dirname(fileURLToPath(import.meta.url));

// ----- shared status, so a free thread can answer a dump for a blocked one ------------------------
// Int32 slots, then the blocked wait's stuck-event fields as UTF-8 text.
const ST_STATE = 0; // FREE / RUNNING / BLOCKED / GONE
const ST_ANSWERED = 1; // 1 once someone answered the engine's dump for this thread
const ST_TEXT_LEN = 2;
const TEXT_OFFSET = 16;
const STATUS_BYTES = 8192;
const FREE = 0; // between callbacks: its event loop will read the dump request itself
const RUNNING = 1; // running JavaScript
const BLOCKED = 2; // in a hooked blocking call
const GONE = 3;

const pid = process.pid;
const laneKey = `${pid}/${threadId}`;
const statusBuffer = new SharedArrayBuffer(STATUS_BYTES);
const status = new Int32Array(statusBuffer, 0, TEXT_OFFSET / 4);
const statusText = new Uint8Array(statusBuffer, TEXT_OFFSET);
const encoder = new TextEncoder();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** @type {import('node:net').Socket | undefined} */
let socket;
let fd = -1;
let socketIno = 0;
let dead = false;

/** The intent last sent, and what its wait was about (for a dump). */
/** @type {Intent} */
let shown = 'cpu';
/** @type {string | undefined} */
let shownObj;
/** The wait JavaScript last woke from (a worker's exit ends a join the program never wrote). */
/** @type {Intent} */
let wokeFrom = 'cpu';
/** @type {string | undefined} */
let wokeObj;
/** async_hooks nesting: 0 = between callbacks. */
let depth = 0;
/** JavaScript of the program is running (the top-level script counts). */
let inJs = true;
/** When JavaScript last stopped (perf.now(), cheaper than the ns clock), while its wait
 *  has not been sent yet (0: none pending). */
let pendingAt = 0;
/** perf.now() (ms since this thread began) → the events' ns clock. */
let perfOffsetNs = 0;
const perfToNs = (/** @type {number} */ ms) => Math.round(perfOffsetNs + ms * 1e6);
let ownCallback = false;
let inBlockingCall = false;
let asyncWaits = 0;
let flushArmed = false;
let flushTimerId = -1;
/** How long the flush timer waits: a quantum, doubled (to 16 ms) while the loop stays busy, so a
 *  thread running many short callbacks is not woken every millisecond to find it has no news. */
let flushPeriodMs = QUANTUM_MS;
let tracing = false;
/** asyncIds of the tracer's own resources: their callbacks are not the program's JavaScript. */
let socketAsyncId = -1;
let channelAsyncId = -1;
/** @type {Map<object, Joinable>} */
const joinables = new Map();
/** Other threads of this process: lane key → their status and socket. */
/** @type {Map<string, { status: Int32Array, text: Uint8Array, fd: number, ino: number }>} */
const peers = new Map();
/** Lanes this thread announced for `eval` workers, which cannot speak for themselves. */
const evalLanes = new Set();
/** Workers `unref()`'d or `ref()`'d before their own lane was announced: lane key → the worker. */
/** @type {Map<string, Joinable>} */
const pendingDaemon = new Map();

// ----- the channel ----------------------------------------------------------------------------------

/** Writes one event line at once (a non-blocking socket: waits while the engine catches up). */
function write(/** @type {string} */ line) {
  if (dead) return;
  if (fd < 0) {
    socket?.write(line); // no descriptor (Windows): the stream writes it
    return;
  }
  /** @type {Buffer | undefined} */
  let rest; // what a partial write left, as bytes
  let tries = 0;
  for (;;) {
    try {
      if (rest === undefined) {
        const n = writeSync(fd, line);
        if (n >= Buffer.byteLength(line)) return;
        rest = Buffer.from(line).subarray(n);
      } else {
        const n = writeSync(fd, rest);
        if (n >= rest.length) return;
        rest = rest.subarray(n);
      }
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EAGAIN' || ++tries > 5000) {
        dead = true; // the engine went away (cancel): the program carries on untraced
        return;
      }
      atomicsWait(sleeper, 0, 0, 1);
    }
  }
}

function cpuField() {
  if (!threadCpuUsage) return '';
  const u = threadCpuUsage.call(process);
  return `,"c":${(u.user + u.system) * 1000}`;
}

/** @param {string | undefined} name @param {string | undefined} value */
function field(name, value) {
  return value === undefined || value === '' ? '' : `,"${name}":${stringify(value.length > 480 ? value.slice(0, 480) : value)}`;
}

/**
 * @param {Intent} s @param {number} t
 * @param {{ note?: string, obj?: string, where?: string }} [about]
 */
function sendState(s, t, about) {
  shown = s;
  shownObj = about?.obj;
  const extra = about ? field('note', about.note) + field('obj', about.obj) + field('where', about.where) : '';
  write(`{"k":"state","lane":"${laneKey}","s":"${s}","t":${t}${cpuField()}${extra}}\n`);
}

/** @param {'start' | 'end' | 'join'} kind @param {string} [note] */
function sendMark(kind, note) {
  write(`{"k":"mark","lane":"${laneKey}","m":"${kind}","t":${now()}${field('note', note)}}\n`);
}

// ----- JavaScript running or not: async_hooks before/after ------------------------------------------

/** @param {number} asyncId */
function before(asyncId) {
  if (depth++ !== 0) return;
  if (asyncId === flushTimerId || asyncId === socketAsyncId || asyncId === channelAsyncId) {
    ownCallback = true;
    return;
  }
  enter();
}

function after() {
  if (depth > 1) {
    depth--;
    return;
  }
  depth = 0; // an 'after' with no 'before': the callback that was running when the hook was enabled
  if (ownCallback) {
    ownCallback = false;
    return;
  }
  leave();
}

/** The program's JavaScript starts running. No clock read unless a wait was shown: this runs for
 *  every callback and every promise continuation. */
function enter() {
  if (inJs) return;
  inJs = true;
  status[ST_STATE] = RUNNING;
  pendingAt = 0; // a gap shorter than the flush timer's quantum: left inside the 'cpu' span
  wokeFrom = shown;
  wokeObj = shownObj;
  if (shown !== 'cpu') sendState('cpu', now());
}

/** The program's JavaScript stopped: the loop may go on at once or sleep; the flush timer decides. */
function leave() {
  if (!inJs) return;
  inJs = false;
  status[ST_STATE] = FREE;
  pendingAt = perf.now();
  if (!flushArmed && tracing) armFlush();
}

function armFlush() {
  flushArmed = true;
  const timer = setTimer(onFlushTimer, flushPeriodMs);
  timer.unref(); // the program decides when it ends, never the tracer
  flushTimerId = Number(timer); // a Timeout's primitive value is its asyncId
}

/** After a quantum: if JavaScript has not run again for a whole quantum, the thread waits; say for what. */
function onFlushTimer() {
  flushArmed = false;
  if (inJs || !pendingAt || dead) return;
  if (perf.now() - pendingAt < QUANTUM_MS) {
    // JavaScript ran a moment ago: the loop is busy; look again later
    flushPeriodMs = Math.min(flushPeriodMs * 2, 16);
    armFlush();
    return;
  }
  flushPeriodMs = QUANTUM_MS;
  const at = perfToNs(pendingAt);
  pendingAt = 0;
  const [s, about] = classifyWait();
  sendState(s, at, about);
}

/**
 * What an idle event loop waits for, from what keeps it alive.
 * @returns {[Intent, { note?: string, obj?: string } | undefined]}
 */
function classifyWait() {
  for (const j of joinables.values()) {
    if (awaited(j)) return ['join-wait', { obj: j.name, note: j.terminating ? 'worker.terminate()' : j.kind === 'worker' ? 'Worker exit' : 'child process exit' }];
  }
  if (asyncWaits > 0) return ['lock-wait', { obj: 'Atomics.waitAsync', note: 'Atomics.waitAsync' }];
  try {
    const p = /** @type {any} */ (process);
    const requests = p._getActiveRequests();
    if (requests.length) return ['io', { note: requestName(requests[0]) }];
    let sockets = 0;
    let others = 0;
    for (const h of p._getActiveHandles()) {
      if (h === socket || isStdio(h)) continue;
      if (h?.constructor?.name === 'Socket') sockets++;
      else others++;
    }
    if (sockets) return ['io', { note: 'socket' }];
    if (others) return ['idle', undefined];
    // A worker or child the program listens to may wake the loop too: then it is not just a sleep.
    for (const j of joinables.values()) if (j.obj.listenerCount('message') > 0) return ['idle', undefined];
    const timers = process.getActiveResourcesInfo().filter((n) => n === 'Timeout').length;
    if (timers) return ['sleeping', { note: 'setTimeout' }];
    // Nothing else keeps the loop alive and the program listens for nothing from its workers: it
    // waits for its ref'd (non-daemon) workers to end, as Python's interpreter waits for its
    // non-daemon threads. (Awaiting a worker's 'online', say, is waiting for an event: idle.)
    const listening = [...joinables.values()].some((j) => j.obj.eventNames().some((n) => j.obj.listenerCount(n) > (j.base?.get(n) ?? 0)));
    if (!listening) for (const j of joinables.values()) if (j.refd) return ['join-wait', { obj: j.name, note: REFD_NOTE }];
  } catch {
    // a runtime without these internals: plain idle
  }
  return ['idle', undefined];
}

/** @param {any} h */
function isStdio(h) {
  const handleFd = h?._handle?.fd ?? h?.fd;
  return handleFd === 0 || handleFd === 1 || handleFd === 2;
}

/** @param {any} r */
function requestName(r) {
  const name = String(r?.constructor?.name ?? 'request');
  if (name.startsWith('FSReq') || name.startsWith('FileHandle')) return 'fs';
  if (name.startsWith('GetAddrInfo') || name.startsWith('QueryReq') || name.startsWith('GetNameInfo')) return 'dns';
  if (name.includes('Connect')) return 'connect';
  return name;
}

/** @param {Joinable} j */
function awaited(j) {
  if (j.terminating) return true;
  const o = j.obj;
  if (o.listenerCount('exit') > 1) return true; // one of them is the tracer's own
  if (j.kind === 'process' && o.listenerCount('close') > 0) return true;
  // once('message'): waiting for a result, as a future's result() waits for its task
  for (const l of o.rawListeners('message')) if (typeof (/** @type {any} */ (l).listener) === 'function') return true;
  return false;
}

// ----- where the program is: its own frames of the current stack -------------------------------------

/** @returns {Frame[]} outermost first, the tracer's and Node's own frames left out */
function programFrames() {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  /** @type {any} */
  const holder = {};
  let sites;
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_, callSites) => callSites;
    Error.captureStackTrace(holder);
    sites = holder.stack;
  } finally {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = prepare;
  }
  /** @type {Frame[]} */
  const frames = [];
  if (!Array.isArray(sites)) return frames;
  for (const site of sites) {
    let file = site.getFileName?.() ?? site.getScriptNameOrSourceURL?.();
    if (!file || file.startsWith('node:')) continue;
    if (file.startsWith('file:')) {
      try {
        file = fileURLToPath(file);
      } catch {
        // keep the URL
      }
    }
    if (isOwnFile(file)) continue;
    frames.push({ file, line: site.getLineNumber() ?? 0, func: site.getFunctionName() ?? '<anonymous>' });
  }
  return frames.reverse();
}

/** @param {string} file */
function isOwnFile(file) {
  return path.dirname(file) === OWN_DIR && path.basename(file).startsWith('autotrace');
}

/** `file.mjs:12` of the innermost program frame. @param {Frame[]} frames */
function whereOf(frames) {
  const f = frames[frames.length - 1];
  return f ? `${path.basename(f.file)}:${f.line}` : undefined;
}

// ----- hooked blocking calls ---------------------------------------------------------------------

/**
 * Runs `fn`, a call that blocks the thread, with the lane in `state` for its duration. Sent before
 * the call, so the engine and a dump know while it lasts. `relabel` may name the wait better once
 * its result is known; that state is sent with the wait's start time and replaces it.
 * @template T @param {Intent} state @param {{ note?: string, obj?: string }} about @param {() => T} fn
 * @param {(result: T) => ({ state: Intent, note: string, obj?: string } | undefined)} [relabel] @returns {T}
 */
function blocking(state, about, fn, relabel) {
  if (inBlockingCall || dead) return fn();
  inBlockingCall = true;
  let t0 = 0;
  let where;
  try {
    if (!inJs) enter();
    const frames = programFrames();
    where = whereOf(frames);
    publishWait(frames, about.obj);
    t0 = now();
    sendState(state, t0, { ...about, where });
    status[ST_STATE] = BLOCKED;
  } catch {
    // tracing never breaks the program
  }
  /** @type {{ state: Intent, note: string, obj?: string } | undefined} */
  let better;
  try {
    const result = fn();
    try {
      better = relabel?.(result);
    } catch {
      better = undefined;
    }
    return result;
  } finally {
    status[ST_STATE] = RUNNING;
    if (better && t0) sendState(better.state, t0, { note: better.note, obj: better.obj, where });
    sendState('cpu', now());
    inBlockingCall = false;
  }
}

/**
 * A synchronous file call: usually done in microseconds, so its 'io' span is sent afterwards and
 * only when it lasted a quantum or more (two clock reads otherwise).
 * @param {Function} orig @param {string} name
 */
function timedIo(orig, name) {
  const wrapped = /** @this {any} */ function (/** @type {any[]} */ ...args) {
    if (dead || inBlockingCall) return Reflect.apply(orig, this, args);
    const first = args[0];
    if (first === 0 || first === '/dev/stdin') {
      // reading the terminal or a pipe may take for ever: say so first
      return blocking('io', { note: `fs.${name}` }, () => Reflect.apply(orig, this, args));
    }
    const t0 = now();
    try {
      return Reflect.apply(orig, this, args);
    } finally {
      const t1 = now();
      if (t1 - t0 >= QUANTUM_NS) {
        try {
          if (!inJs) enter();
          sendState('io', t0, { note: `fs.${name}`, where: whereOf(programFrames()) });
          sendState('cpu', t1);
        } catch {
          // tracing never breaks the program
        }
      }
    }
  };
  return keepIdentity(wrapped, orig);
}

/** @template {Function} F @param {F} wrapped @param {Function} orig @returns {F} */
function keepIdentity(wrapped, orig) {
  Object.defineProperty(wrapped, 'name', { value: orig.name });
  Object.defineProperty(wrapped, 'length', { value: orig.length });
  for (const k of Reflect.ownKeys(orig)) {
    if (k === 'name' || k === 'length' || k === 'prototype') continue;
    const d = Object.getOwnPropertyDescriptor(orig, k);
    if (d) Object.defineProperty(wrapped, k, d);
  }
  return wrapped;
}

/** The stuck event of a blocked wait, kept where another thread can read it. @param {Frame[]} frames @param {string} [obj] */
function publishWait(frames, obj) {
  const text = `,"frames":${stringify(frames.slice(-50))}${field('obj', obj)}`;
  const { written } = encoder.encodeInto(text, statusText);
  // Too long to fit: keep the frames out rather than send cut JSON.
  if (written !== undefined && written >= statusText.length - 4) {
    const short = encoder.encodeInto(`,"frames":[]${field('obj', obj)}`, statusText);
    status[ST_TEXT_LEN] = short.written ?? 0;
  } else {
    status[ST_TEXT_LEN] = written ?? 0;
  }
}

function patchAtomics() {
  const A = /** @type {any} */ (Atomics);
  A.wait = keepIdentity(function wait(/** @type {any} */ ta, /** @type {any} */ index, /** @type {any} */ value, /** @type {any} */ timeout) {
    let blocks = false;
    try {
      // Only a wait that can block is a lock wait: a changed value or a zero timeout returns at once.
      const expected = ta instanceof BigInt64Array ? BigInt.asIntN(64, BigInt(value)) : Number(value) | 0;
      blocks = timeout !== 0 && !dead && Atomics.load(ta, index) === expected;
    } catch {
      // bad arguments: the original throws the program's error
    }
    if (!blocks) return atomicsWait(ta, index, value, timeout);
    const note = timeout === undefined || timeout === Infinity ? `index ${index}` : `index ${index}, timeout ${timeout} ms`;
    // A wait nobody ended, only its timeout, was a sleep: the idiom for a synchronous sleep in Node.
    // A sleep waits on nothing, so no obj: the note, with the time asked for, names it.
    const relabel = (/** @type {string} */ result) => (result === 'timed-out' ? { state: /** @type {Intent} */ ('sleeping'), note: `Atomics.wait, timed out after ${timeout} ms` } : undefined);
    return blocking('lock-wait', { obj: 'Atomics.wait', note }, () => atomicsWait(ta, index, value, timeout), relabel);
  }, atomicsWait);
  if (atomicsWaitAsync) {
    A.waitAsync = keepIdentity(function waitAsync(/** @type {any[]} */ ...args) {
      const result = Reflect.apply(atomicsWaitAsync, Atomics, args);
      if (result && result.async) {
        asyncWaits++;
        const done = () => void asyncWaits--;
        result.value.then(done, done);
      }
      return result;
    }, atomicsWaitAsync);
  }
}

// ----- workers and child processes --------------------------------------------------------------------

/** @param {unknown} filename @param {any} options */
function workerFile(filename, options) {
  if (options?.eval) return 'eval';
  const text = String(filename);
  if (text.startsWith('data:')) return 'data: URL';
  try {
    return path.basename(text.startsWith('file:') ? fileURLToPath(text) : text);
  } catch {
    return text.slice(0, 80);
  }
}

/** @param {Joinable} j @param {() => void} [cleanup] */
function watchExit(j, cleanup) {
  joinables.set(j.obj, j);
  // The tracer's one 'exit' listener (awaited() counts it out).
  j.obj.on('exit', () => {
    try {
      cleanup?.();
      // A join the program never wrote: the thread woke from waiting for this ref'd worker, or
      // had just stopped (its wait not yet sent) with nothing but the workers to wait for.
      const implicit = () => (wokeFrom === 'join-wait' && wokeObj === j.name) || classifyWait()[1]?.obj === j.name;
      const wasAwaited = awaited(j) || (j.refd === true && implicit());
      joinables.delete(j.obj);
      if (wasAwaited) sendMark('join', j.name);
    } catch {
      // tracing never breaks the program
    }
  });
}

function patchWorker() {
  const Original = workerThreads.Worker;
  class Worker extends Original {
    /** @param {string | URL} filename @param {any} [options] */
    constructor(filename, options) {
      let info = '';
      let opts = options;
      let shared = false;
      /** @type {Frame[]} */
      let frames = [];
      try {
        frames = programFrames();
        // The worker's clock is this thread's: it may reuse this thread's measurement of the offset.
        info = stringify({ name: options?.name || undefined, file: workerFile(filename, options), where: whereOf(frames), clock: measuredClock() });
        if (options?.eval) {
          info = ''; // no preload runs in it to read anything (see announceEvalWorker)
        } else if (options?.env === SHARE_ENV) {
          shared = true; // one env for all threads: passed after the constructor, below
        } else if (options?.env && typeof options.env === 'object') {
          // A worker given its own env reads NODE_OPTIONS from it: the preload must be there too.
          const env = options.env;
          opts = { ...options, env: { ...traceEnv(), ...env, NODE_OPTIONS: withPreload(env.NODE_OPTIONS), [ENV_WORKER]: info } };
          info = '';
        }
      } catch {
        info = '';
      }
      // Workers started with `eval` do not run --import preloads: this thread announces their
      // lane, with the OS thread the constructor starts (the one new entry of /proc/self/task).
      const evalTasks = options?.eval ? threadIds() : undefined;
      // The worker copies process.env while it is constructed: set for that moment only.
      if (info && !shared && !opts?.env) process.env[ENV_WORKER] = info;
      try {
        super(filename, opts);
      } finally {
        if (info && !shared && !opts?.env) delete process.env[ENV_WORKER];
      }
      try {
        const file = workerFile(filename, options);
        const name = options?.name ? String(options.name).slice(0, 200) : `Worker ${this.threadId} (${file})`;
        /** @type {Joinable} */
        const j = { obj: this, name, kind: 'worker', terminating: false, refd: true };
        /** @type {(() => void) | undefined} */
        let cleanup;
        if (shared && info) {
          // One env for all threads: keyed by the thread id, which exists only now; the worker's
          // preload runs well after this (it has to start up first) and takes it.
          const key = `${ENV_WORKER}_${this.threadId}`;
          process.env[key] = info;
          cleanup = () => delete process.env[key];
        }
        watchExit(j, cleanup);
        j.base = new Map(this.eventNames().map((n) => [n, this.listenerCount(n)]));
        sendMark('start', name);
        if (evalTasks) announceEvalWorker(this, name, evalTasks, whereOf(frames));
      } catch {
        // tracing never breaks the program
      }
    }

    terminate(/** @type {any[]} */ ...args) {
      const j = joinables.get(this);
      if (j) j.terminating = true;
      return Reflect.apply(Original.prototype.terminate, this, args);
    }

    // An unref'd worker no longer keeps the process alive: Node's daemon thread.
    unref(/** @type {any[]} */ ...args) {
      setDaemon(this, true);
      return Reflect.apply(Original.prototype.unref, this, args);
    }

    ref(/** @type {any[]} */ ...args) {
      setDaemon(this, false);
      return Reflect.apply(Original.prototype.ref, this, args);
    }
  }
  workerThreads.Worker = Worker;
}

/**
 * Records that a worker is (or is no longer) a daemon, and says so on its lane: sent again with the
 * daemon flag, once its own lane event is out (its hello on the channel between threads says so), so
 * the flag is never overwritten by the worker's first announcement.
 * @param {import('node:worker_threads').Worker} worker @param {boolean} daemon
 */
function setDaemon(worker, daemon) {
  try {
    const j = joinables.get(worker);
    if (!j || j.refd === !daemon) return;
    j.refd = !daemon;
    const key = `${pid}/${worker.threadId}`;
    if (peers.has(key) || evalLanes.has(key)) announceDaemon(key, j);
    else pendingDaemon.set(key, j);
  } catch {
    // tracing never breaks the program
  }
}

/** @param {string} key @param {Joinable} j */
function announceDaemon(key, j) {
  pendingDaemon.delete(key);
  write(`{"k":"lane","lane":"${key}","name":${stringify(j.name)},"kind":"worker","pid":${pid},"daemon":${!j.refd},"t":${now()}}\n`);
}

/** This process's OS thread ids (Linux), or undefined. */
function threadIds() {
  try {
    return new Set(fs.readdirSync('/proc/self/task'));
  } catch {
    return undefined;
  }
}

/**
 * A lane for an `eval` worker, sent by its parent: no hooks run inside it, so it stays in 'cpu'
 * intent and the engine's kernel sampler alone says when it ran.
 * @param {import('node:worker_threads').Worker} worker @param {string} name @param {Set<string>} before @param {string} [where]
 */
function announceEvalWorker(worker, name, before, where) {
  const after = threadIds();
  const fresh = after ? [...after].filter((t) => !before.has(t)) : [];
  const key = `${pid}/${worker.threadId}`;
  write(
    `{"k":"lane","lane":"${key}","name":${stringify(name)},"kind":"worker","pid":${pid}` +
      (fresh.length === 1 ? `,"tid":${Number(fresh[0])}` : '') +
      `,"target":"eval"${field('where', where)},"t":${now()}}\n`,
  );
  evalLanes.add(key);
  worker.on('exit', () => {
    evalLanes.delete(key);
    write(`{"k":"end","lane":"${key}","t":${now()}}\n`);
  });
}

/** The variables every traced process needs, for an environment the program built itself. */
function traceEnv() {
  const env = /** @type {Record<string, string>} */ ({ CLAB_TRACE: process.env.CLAB_TRACE ?? '' });
  if (process.env[ENV_ROOT]) env[ENV_ROOT] = /** @type {string} */ (process.env[ENV_ROOT]);
  return env;
}

/** NODE_OPTIONS with the preload first, whatever the program set. @param {string | undefined} value */
function withPreload(value) {
  if (value?.includes(PRELOAD_URL)) return value;
  return value ? `--import=${PRELOAD_URL} ${value}` : `--import=${PRELOAD_URL}`;
}

/** @param {string} file @param {string[]} args */
function commandName(file, args) {
  const base = path.basename(String(file));
  if (/^node(\.exe)?$/i.test(base) || file === process.execPath) {
    const script = args.slice(1).find((a) => !a.startsWith('-'));
    return script ? path.basename(script) : 'node';
  }
  return base;
}

function patchChildProcess() {
  const proto = /** @type {any} */ (childProcess.ChildProcess.prototype);
  const originalSpawn = proto.spawn;
  proto.spawn = keepIdentity(/** @this {any} */ function spawn(/** @type {any} */ options) {
    try {
      const pairs = options?.envPairs;
      if (Array.isArray(pairs)) {
        /** @type {Map<string, number>} */
        const at = new Map();
        pairs.forEach((p, i) => at.set(String(p).split('=', 1)[0], i));
        const set = (/** @type {string} */ k, /** @type {string} */ v) => {
          const i = at.get(k);
          if (i === undefined) pairs.push(`${k}=${v}`);
          else pairs[i] = `${k}=${v}`;
        };
        for (const [k, v] of Object.entries(traceEnv())) if (!at.has(k)) set(k, v);
        const nodeOptions = at.has('NODE_OPTIONS') ? String(pairs[/** @type {number} */ (at.get('NODE_OPTIONS'))]).slice('NODE_OPTIONS='.length) : undefined;
        set('NODE_OPTIONS', withPreload(nodeOptions));
        set(ENV_SPAWN, stringify({ where: whereOf(programFrames()) }));
      }
    } catch {
      // tracing never breaks the program
    }
    const result = Reflect.apply(originalSpawn, this, [options]);
    try {
      if (this.pid) {
        const name = `process ${this.pid} (${commandName(options.file, options.args ?? [])})`;
        watchExit({ obj: this, name, kind: 'process', terminating: false });
        sendMark('start', name);
      }
    } catch {
      // tracing never breaks the program
    }
    return result;
  }, originalSpawn);

  const cp = /** @type {any} */ (childProcess);
  for (const name of ['spawnSync', 'execSync', 'execFileSync']) {
    const orig = cp[name];
    cp[name] = keepIdentity(/** @this {any} */ function (/** @type {any[]} */ ...args) {
      if (dead) return Reflect.apply(orig, this, args);
      const command = [args[0], ...(Array.isArray(args[1]) ? args[1] : [])].map(String).join(' ');
      const call = withSyncEnv(args);
      let where;
      try {
        where = whereOf(programFrames());
      } catch {
        where = undefined;
      }
      // The child copies process.env when it starts: set for that moment only (a custom env has it).
      const spawnInfo = call === args && where ? stringify({ where }) : '';
      if (spawnInfo) process.env[ENV_SPAWN] = spawnInfo;
      try {
        // Running a command and collecting its output, as Python's subprocess waits: 'io' (awaiting
        // a forked child's or Worker's exit stays 'join-wait', as Process.join / Thread.join do).
        return blocking('io', { obj: `child process (${command.slice(0, 120)})`, note: name }, () => Reflect.apply(orig, this, call));
      } finally {
        if (spawnInfo) delete process.env[ENV_SPAWN];
      }
    }, orig);
  }
}

/** Arguments of a sync spawn with the tracing variables added to an env the program gave. @param {any[]} args */
function withSyncEnv(args) {
  const i = args.findIndex((a, n) => n > 0 && a && typeof a === 'object' && !Array.isArray(a));
  if (i < 0 || !args[i].env) return args;
  const env = args[i].env;
  const copy = [...args];
  let where;
  try {
    where = whereOf(programFrames());
  } catch {
    where = undefined;
  }
  copy[i] = { ...args[i], env: { ...traceEnv(), ...env, NODE_OPTIONS: withPreload(env.NODE_OPTIONS), [ENV_SPAWN]: stringify({ where }) } };
  return copy;
}

function patchFs() {
  const f = /** @type {any} */ (fs);
  for (const name of ['readFileSync', 'readSync', 'readvSync', 'writeFileSync', 'appendFileSync', 'writeSync', 'writevSync', 'fsyncSync', 'copyFileSync']) {
    if (typeof f[name] === 'function') f[name] = timedIo(f[name], name);
  }
}

// ----- dump: where each thread is, asked by the engine at a timeout ------------------------------------

function registerWithPeers() {
  if (typeof BroadcastChannel !== 'function') return;
  const channel = new BroadcastChannel(CHANNEL);
  const me = (/** @type {boolean} */ hello) => ({ tag: CHANNEL, key: laneKey, fd, ino: socketIno, status: statusBuffer, hello });
  channel.onmessage = (/** @type {any} */ e) => {
    // Its resource's asyncId is known only from inside: from the second message on, its callbacks
    // are the tracer's, not the program's.
    channelAsyncId = executionAsyncId();
    const m = e?.data;
    if (m?.tag !== CHANNEL || m.key === laneKey || peers.has(m.key)) return;
    peers.set(m.key, { status: new Int32Array(m.status, 0, TEXT_OFFSET / 4), text: new Uint8Array(m.status, TEXT_OFFSET), fd: m.fd, ino: m.ino });
    const daemon = pendingDaemon.get(m.key);
    if (daemon) announceDaemon(m.key, daemon);
    // The main thread tells each newcomer about itself, so a worker can answer for a blocked main.
    if (m.hello && isMainThread) channel.postMessage(me(false));
  };
  /** @type {any} */ (channel).unref?.();
  channel.postMessage(me(true));
}

/** Fields of a stuck event for a thread's current status. @param {Int32Array} st @param {Uint8Array} text */
function stuckFields(st, text) {
  if (Atomics.load(st, ST_STATE) !== BLOCKED) return ',"frames":[]';
  const len = Atomics.load(st, ST_TEXT_LEN);
  return Buffer.from(text.subarray(0, len)).toString('utf8');
}

function answerDump() {
  if (Atomics.compareExchange(status, ST_ANSWERED, 0, 1) === 0) {
    // This thread is free (it is reading the request): its last wait says what it waits for.
    const obj = shown === 'join-wait' || shown === 'lock-wait' ? shownObj : undefined;
    let lines = `{"k":"stuck","lane":"${laneKey}","frames":[]${field('obj', obj)}}\n`;
    for (const key of evalLanes) lines += `{"k":"stuck","lane":"${key}","frames":[]}\n`;
    write(`${lines}{"k":"dumped"}\n`);
  }
  // Threads that cannot read their own request (blocked, or stuck in a long computation).
  for (const [key, peer] of peers) {
    const state = Atomics.load(peer.status, ST_STATE);
    if (state !== RUNNING && state !== BLOCKED) continue;
    if (!sameSocket(peer.fd, peer.ino)) continue;
    if (Atomics.compareExchange(peer.status, ST_ANSWERED, 0, 1) !== 0) continue;
    try {
      writeSync(peer.fd, `{"k":"stuck","lane":"${key}"${stuckFields(peer.status, peer.text)}}\n{"k":"dumped"}\n`);
    } catch {
      // its connection is gone
    }
  }
}

/** The descriptor still is that thread's connection (a worker that ended closed it). @param {number} peerFd @param {number} ino */
function sameSocket(peerFd, ino) {
  if (peerFd < 0) return false;
  try {
    return Number(fstatSync(peerFd, { bigint: true }).ino & 0xffffffffn) === ino;
  } catch {
    return false;
  }
}

// ----- start -------------------------------------------------------------------------------------

function nativeTid() {
  if (isMainThread) return pid;
  try {
    // "PID/task/TID": the OS thread behind this worker, which the engine samples
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) ? tid : undefined;
  } catch {
    return undefined;
  }
}

function scriptName() {
  const ev = process.execArgv;
  if (ev.some((a) => a === '-e' || a === '--eval' || a.startsWith('--eval='))) return 'node -e';
  if (ev.some((a) => a === '-p' || a === '--print' || a.startsWith('--print='))) return 'node -p';
  return process.argv[1] ? path.basename(process.argv[1]) : 'node';
}

/** @param {string} name */
function takeEnv(name) {
  const value = process.env[name];
  if (value !== undefined) delete process.env[name];
  try {
    return value ? JSON.parse(value) : {};
  } catch {
    return {};
  }
}

/** A clock measurement passed by the parent thread, if it is one. @param {any} c */
function validClock(c) {
  const ok = c && [c.t0, c.t1, c.te].every((x) => typeof x === 'number' && Number.isFinite(x)) && c.t0 <= c.t1;
  return ok ? { t0: c.t0, t1: c.t1, te: c.te } : undefined;
}

/** Connects, announces this thread's lane and installs the hooks. @param {string} address */
export async function install(address) {
  const root = isMainThread && !process.env[ENV_ROOT];
  const info = isMainThread ? takeEnv(ENV_SPAWN) : process.env[ENV_WORKER] ? takeEnv(ENV_WORKER) : takeEnv(`${ENV_WORKER}_${threadId}`);

  const { host, port, token } = parseAddress(address);
  try {
    socket = await handshake(host, port, token, isMainThread ? undefined : validClock(info.clock));
  } catch (err) {
    process.stderr.write(`labtrace: not tracing (${/** @type {Error} */ (err).message})\n`);
    // One line per run, not per thread: the workers and children it starts need not try again.
    if (isMainThread) delete process.env.CLAB_TRACE;
    return;
  }
  if (root) process.env[ENV_ROOT] = String(pid); // children know they are children
  const conn = socket;
  fd = /** @type {any} */ (conn)._handle?.fd ?? -1;
  if (typeof fd !== 'number' || fd < 0) fd = -1;
  else {
    try {
      socketIno = Number(fstatSync(fd, { bigint: true }).ino & 0xffffffffn);
    } catch {
      socketIno = 0;
    }
  }
  try {
    socketAsyncId = /** @type {any} */ (conn)._handle.getAsyncId();
  } catch {
    // its callbacks then count as the program's: only at a dump
  }
  let incoming = '';
  conn.on('data', (chunk) => {
    incoming += chunk;
    let nl;
    while ((nl = incoming.indexOf('\n')) >= 0) {
      const line = incoming.slice(0, nl);
      incoming = incoming.slice(nl + 1);
      if (line.includes('"dump"')) answerDump();
    }
  });
  conn.on('error', () => {
    dead = true; // the engine went away: the program carries on untraced
  });
  conn.on('close', () => {
    dead = true;
  });
  conn.unref(); // the program decides when it ends, never the tracer

  const script = scriptName();
  /** @type {string} */
  let name;
  /** @type {string} */
  let kind;
  let target;
  if (!isMainThread) {
    kind = 'worker';
    target = info.file;
    name = info.name ? String(info.name).slice(0, 200) : `Worker ${threadId} (${info.file ?? 'worker'})`;
  } else {
    kind = root ? 'main' : 'process';
    target = script;
    name = root ? `main (${script})` : `process ${pid} (${script})`;
  }
  perfOffsetNs = now() - perf.now() * 1e6;
  const tid = nativeTid();
  write(
    `{"k":"lane","lane":"${laneKey}","name":${stringify(name)},"kind":"${kind}","pid":${pid}` +
      (tid !== undefined ? `,"tid":${tid}` : '') +
      field('target', target) +
      field('where', info.where) +
      `,"t":${now()}${cpuField()}}\n`,
  );
  status[ST_STATE] = RUNNING;

  patchAtomics();
  patchWorker();
  patchChildProcess();
  patchFs();
  syncBuiltinESMExports(); // `import { Worker } from 'node:worker_threads'` sees the patched ones

  tracing = true;
  armFlush();
  createHook({ before, after }).enable();
  registerWithPeers();

  process.on('exit', () => {
    try {
      const t = now();
      if (pendingAt && perf.now() - pendingAt >= QUANTUM_MS) sendState('idle', perfToNs(pendingAt));
      status[ST_STATE] = GONE;
      write(`{"k":"end","lane":"${laneKey}","t":${t}${cpuField()}}\n`);
    } catch {
      // the process is leaving anyway
    }
  });
}
