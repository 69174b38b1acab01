/**
 * The engine's end of the event channel: a TCP server on 127.0.0.1 (random port, random token).
 * Every traced process opens one connection, says `hello` with the token, gets `sync` with the
 * engine clock, answers `clock`, then streams events. The collector maps each connection's times to
 * engine time and hands the listener typed events. Bad input is skipped and counted, never thrown.
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
  /** After each chunk of data is processed (the runner samples CPU counters here). */
  onChunk?(conn: number): void;
  onClose?(conn: number, pid: number | undefined, at: number): void;
}

/** Events held back until the handshake gives the connection its clock offset. */
const MAX_EARLY_EVENTS = 10_000;

class Connection {
  private readonly lines = new LineSplitter();
  private hello: HelloEvent | undefined;
  private offset: number | undefined;
  private early: ProgramEvent[] = [];
  /** Set when the program answered `dump`. */
  dumped = false;

  constructor(
    readonly id: number,
    private readonly socket: net.Socket,
    private readonly owner: TraceCollector,
  ) {
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => undefined); // a program dying mid-write is normal; 'close' follows
    socket.on('close', () => this.onClose());
  }

  get pid(): number | undefined {
    return this.hello?.pid;
  }

  private onData(chunk: string): void {
    const before = this.lines.overlong;
    for (const line of this.lines.push(chunk)) {
      if (this.socket.destroyed) return;
      this.onLine(line);
    }
    this.owner.skipped += this.lines.overlong - before;
    this.owner.listener.onChunk?.(this.id);
  }

  private onLine(line: string): void {
    const event = parseEventLine(line);
    if (!event) {
      this.owner.skipped++;
      return;
    }
    if (event.k === 'hello') {
      if (this.hello) {
        this.owner.skipped++;
      } else if (event.token !== this.owner.token) {
        this.owner.rejectedConnections++;
        this.socket.destroy();
      } else {
        this.hello = event;
        this.socket.write(`{"k":"sync","t":${engineNowNs()}}\n`);
        this.emit(event);
      }
      return;
    }
    if (!this.hello) {
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
    const last = this.lines.flush();
    if (last !== undefined && this.hello) this.onLine(last);
    // Without a handshake the sender's clock is assumed to be the engine's (true on Linux).
    this.flushEarly();
    this.owner.listener.onClose?.(this.id, this.pid, engineNowNs());
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

export class TraceCollector {
  /** Lines that were not valid events (bad JSON, unknown `k`, before `hello`, too long). */
  skipped = 0;
  /** Connections closed for presenting a wrong token. */
  rejectedConnections = 0;
  /** Clock offset (engine − program, ns) per connection, for diagnostics and tests. */
  readonly offsets = new Map<number, number>();
  private readonly open = new Set<Connection>();
  private nextId = 1;

  private constructor(
    private readonly server: net.Server,
    readonly token: string,
    readonly port: number,
    readonly listener: CollectorListener,
  ) {
    server.on('connection', (socket) => this.open.add(new Connection(this.nextId++, socket, this)));
  }

  /** Starts listening on 127.0.0.1 with a fresh random token. */
  static async start(listener: CollectorListener = {}): Promise<TraceCollector> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('collector: no TCP address');
    return new TraceCollector(server, randomBytes(16).toString('hex'), address.port, listener);
  }

  /** The value for the program's `CLAB_TRACE` environment variable. */
  get envValue(): string {
    return `127.0.0.1:${this.port}:${this.token}`;
  }

  get openConnections(): number {
    return this.open.size;
  }

  /** Resolves once every connection has closed, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
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
