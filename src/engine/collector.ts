/**
 * The engine's end of the event channel: a TCP server on 127.0.0.1 (random port, random token).
 * Every traced process opens one connection, says `hello` with the token, gets `sync` with the
 * engine clock, answers `clock`, then streams events. The collector maps each connection's times to
 * engine time and hands the listener typed events. Bad input is skipped and counted, never thrown.
 *
 * Authentication: the first line of a connection must be a valid `hello` with the run's token,
 * within HELLO_DEADLINE_MS of connecting. Anything else (a wrong token, any other line first, a
 * first line too long, silence) closes the connection at once, and it is counted only in
 * `rejectedConnections` — never in `skipped`, the learner's figure: any local process can connect,
 * and what it sends says nothing about the program. The tracers send nothing before `hello`, so a
 * connection that later authenticates has no earlier lines: a line before `hello` ends the connection.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import type { HelloEvent, ProgramEvent } from '../shared/events';
import { engineNowNs } from './clock';
import { parseEventLine } from './eventParse';
import { LineSplitter } from './lineSplitter';

/** An event with `t` already on the engine clock. `at` is when the engine received it. */
export interface CollectedEvent {
  conn: number;
  pid: number;
  at: number;
  event: ProgramEvent;
}

export interface CollectorListener {
  onEvent?(e: CollectedEvent): void;
  onClose?(conn: number, pid: number | undefined, at: number): void;
}

/** Events held back until the handshake gives the connection its clock offset. */
const MAX_EARLY_EVENTS = 10_000;
/** How long a new connection has to say `hello` (the tracers send it as soon as they connect). */
export const HELLO_DEADLINE_MS = 2000;
/** Longest `hello` line: a real one is under 200 characters (token, runtime, pid, version). */
const MAX_HELLO_CHARS = 4096;
/** Connections that have not said `hello` yet, at most: more are closed at once. */
const MAX_UNAUTHENTICATED = 256;

/** Why a connection was closed without authenticating (diagnostics). */
export type RejectReason = 'token' | 'not-hello' | 'too-long' | 'deadline' | 'too-many' | 'closed';

class Connection {
  private readonly lines = new LineSplitter();
  private hello: HelloEvent | undefined;
  private offset: number | undefined;
  private early: ProgramEvent[] = [];
  /** Set when the program answered `dump`. */
  dumped = false;
  private readonly deadline: NodeJS.Timeout;
  /** Characters received before `hello`. */
  private preHello = 0;
  private rejected = false;

  constructor(
    readonly id: number,
    private readonly socket: net.Socket,
    private readonly owner: TraceCollector,
    helloDeadlineMs: number,
  ) {
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => undefined); // a program dying mid-write is normal; 'close' follows
    socket.on('close', () => this.onClose());
    this.deadline = setTimeout(() => this.reject('deadline'), helloDeadlineMs);
    this.deadline.unref();
  }

  get pid(): number | undefined {
    return this.hello?.pid;
  }

  get authenticated(): boolean {
    return this.hello !== undefined;
  }

  /** Closes a connection that did not authenticate; none of what it sent is counted as skipped. */
  reject(why: RejectReason): void {
    if (this.hello || this.rejected) return;
    this.rejected = true;
    clearTimeout(this.deadline);
    this.owner.rejected(why);
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    if (this.rejected) return;
    if (!this.hello) {
      this.preHello += chunk.length;
      const nl = chunk.indexOf('\n');
      // The hello line alone is bounded; lines after it in the same chunk are the stream's.
      if (this.preHello - chunk.length + (nl < 0 ? chunk.length : nl) > MAX_HELLO_CHARS) {
        this.reject('too-long');
        return;
      }
    }
    const before = this.lines.overlong;
    for (const line of this.lines.push(chunk)) {
      if (this.socket.destroyed) return;
      this.onLine(line);
    }
    if (!this.hello) return;
    this.owner.skipped += this.lines.overlong - before;
  }

  private onLine(line: string): void {
    const event = parseEventLine(line);
    if (!this.hello) {
      if (event?.k !== 'hello') this.reject('not-hello');
      else if (event.token !== this.owner.token) this.reject('token');
      else {
        clearTimeout(this.deadline);
        this.hello = event;
        this.socket.write(`{"k":"sync","t":${engineNowNs()}}\n`);
        this.emit(event);
      }
      return;
    }
    if (!event || event.k === 'hello') {
      this.owner.skipped++;
      return;
    }
    if (event.k === 'dumped') {
      this.dumped = true;
      this.owner.dumpAnswered();
      return;
    }
    if (event.k === 'clock') {
      if (this.offset !== undefined) {
        this.owner.skipped++;
        return;
      }
      // The program's midpoint between sending hello and reading sync faces the engine's `te`.
      this.offset = event.te - (event.t0 + event.t1) / 2;
      this.owner.offsets.set(this.id, this.offset);
      this.flushEarly();
      return;
    }
    if (this.offset === undefined) {
      if (this.early.length < MAX_EARLY_EVENTS) this.early.push(event);
      else this.owner.skipped++;
      return;
    }
    this.emit(event);
  }

  private flushEarly(): void {
    const early = this.early;
    this.early = [];
    for (const e of early) this.emit(e);
  }

  private emit(event: ProgramEvent): void {
    const mapped = 't' in event ? { ...event, t: Math.round(event.t + (this.offset ?? 0)) } : event;
    this.owner.listener.onEvent?.({ conn: this.id, pid: this.hello?.pid ?? 0, at: engineNowNs(), event: mapped });
  }

  private onClose(): void {
    clearTimeout(this.deadline);
    if (this.hello) {
      const last = this.lines.flush();
      if (last !== undefined) this.onLine(last);
      // Without a handshake the sender's clock is assumed to be the engine's (true on Linux).
      this.flushEarly();
      this.owner.listener.onClose?.(this.id, this.pid, engineNowNs());
    } else {
      this.reject('closed'); // went away before authenticating (no-op if already rejected)
    }
    this.owner.connectionClosed(this);
  }

  /** Asks for every thread's stack; false when the connection cannot take it. */
  requestDump(): boolean {
    if (!this.hello || this.socket.destroyed || !this.socket.writable) return false;
    this.socket.write('{"k":"dump"}\n');
    return true;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export interface CollectorOptions {
  /** How long a new connection has to authenticate (tests shorten it). */
  helloDeadlineMs?: number;
}

export class TraceCollector {
  /** Lines of authenticated connections that were not valid events (bad JSON, unknown `k`, too long). */
  skipped = 0;
  /**
   * Connections closed without authenticating, for diagnostics only: not the program's doing, so
   * never part of the learner's figures.
   */
  rejectedConnections = 0;
  readonly rejectedBy: Partial<Record<RejectReason, number>> = {};
  /** Clock offset (engine − program, ns) per connection, for diagnostics and tests. */
  readonly offsets = new Map<number, number>();
  private readonly open = new Set<Connection>();
  private nextId = 1;

  private constructor(
    private readonly server: net.Server,
    readonly token: string,
    readonly port: number,
    readonly listener: CollectorListener,
    private readonly helloDeadlineMs: number,
  ) {
    server.on('connection', (socket) => {
      const c = new Connection(this.nextId++, socket, this, this.helloDeadlineMs);
      this.open.add(c);
      // Bounds what a flood of local connections can hold open (sockets, timers).
      if ([...this.open].filter((o) => !o.authenticated).length > MAX_UNAUTHENTICATED) c.reject('too-many');
    });
  }

  /** Starts listening on 127.0.0.1 with a fresh random token. */
  static async start(listener: CollectorListener = {}, opts: CollectorOptions = {}): Promise<TraceCollector> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('collector: no TCP address');
    return new TraceCollector(server, randomBytes(16).toString('hex'), address.port, listener, opts.helloDeadlineMs ?? HELLO_DEADLINE_MS);
  }

  /** The value for the program's `CLAB_TRACE` environment variable. */
  get envValue(): string {
    return `127.0.0.1:${this.port}:${this.token}`;
  }

  rejected(why: RejectReason): void {
    this.rejectedConnections++;
    this.rejectedBy[why] = (this.rejectedBy[why] ?? 0) + 1;
  }

  /**
   * Resolves once every authenticated connection has closed, or after `timeoutMs`: a stranger's
   * connection never holds up the end of a run.
   */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const waiting = (): boolean => [...this.open].some((c) => c.authenticated);
    while (waiting() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  }

  connectionClosed(c: Connection): void {
    this.open.delete(c);
    this.dumpAnswered();
  }

  private dumpWaiter: (() => void) | undefined;
  private dumpPending = new Set<Connection>();

  /** Called when a connection answered `dump` or went away. */
  dumpAnswered(): void {
    for (const c of this.dumpPending) if (c.dumped || !this.open.has(c)) this.dumpPending.delete(c);
    if (this.dumpPending.size === 0) this.dumpWaiter?.();
  }

  /**
   * Asks every traced process where its threads are (a run that timed out), and waits until each
   * has answered or gone, or `timeoutMs` passed: a process stuck in C code holding the GIL cannot answer.
   */
  async requestDump(timeoutMs: number): Promise<void> {
    this.dumpPending = new Set([...this.open].filter((c) => c.requestDump()));
    if (this.dumpPending.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.dumpWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.dumpWaiter = undefined;
  }

  /** Stops listening and drops every connection still open. */
  async close(): Promise<void> {
    for (const c of this.open) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
