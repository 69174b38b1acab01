/**
 * The engine clock. `process.hrtime.bigint()` reads CLOCK_MONOTONIC on Linux, the same clock as
 * Python's `time.perf_counter_ns()`; other senders are aligned by the handshake anyway.
 * Kept as a plain number: monotonic ns stay exact below 2^53 (about 104 days of uptime), and the
 * trace only needs µs.
 */
export function engineNowNs(): number {
  return Number(process.hrtime.bigint());
}
