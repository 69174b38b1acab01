/**
 * `concurrency-lab`: the demos and any program in a terminal, on the same engine as the extension.
 *   concurrency-lab trace app.py [-- ARGS…]
 *   concurrency-lab list
 *   concurrency-lab run gil --threads 4 [--json] [--trace out.json]
 * Exit codes: 0 ok (for trace: the program exited 0), 1 the run or the program failed, 2 bad
 * arguments, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP, 141 stdout's reader went away (every
 * process of the run is stopped).
 */
import * as fs from 'node:fs';
import { toChromeTrace } from '../shared/chromeTrace';
import { formatMessage, progressText } from '../shared/progress';
import { SCENARIOS } from '../shared/scenarios';
import type { Trace } from '../shared/trace';
import { CliArgError, parseCliArgs, USAGE, type CliCommand } from './cliArgs';
import { renderScenarioList, renderVariantTable } from './cliTable';
import { renderTimeline } from './cliTimeline';
import { RunError } from './errors';
import { runScenario } from './runScenario';
import { renderTraceReport } from './cliReport';
import { traceProgram } from './traceProgram';

const OUTPUT_LINES_ON_ERROR = 30;

function writeTrace(file: string, trace: Trace): void {
  fs.writeFileSync(file, JSON.stringify(toChromeTrace(trace)));
  process.stderr.write(`wrote ${file} (Chrome Trace Event format: open it in Perfetto or chrome://tracing)\n`);
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGPIPE: 141 };

/**
 * Stops the run on SIGINT, SIGTERM or SIGHUP (closing the terminal), and when stdout's reader went
 * away (EPIPE, as SIGPIPE would), so no program outlives us.
 */
function watchSignals(abort: AbortController): { exitCode: () => number | undefined; dispose: () => void } {
  let caught: string | undefined;
  const stop = (why: string): void => {
    caught ??= why;
    process.stderr.write('\nstopping…\n');
    abort.abort();
  };
  const handlers = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((sig) => {
    const handler = (): void => stop(sig);
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  const onOutputError = (e: NodeJS.ErrnoException): void => {
    if (e.code === 'EPIPE') stop('SIGPIPE');
  };
  process.stdout.on('error', onOutputError);
  return {
    exitCode: () => (caught ? SIGNAL_EXIT[caught] : undefined),
    dispose: () => {
      handlers.forEach(([sig, h]) => process.off(sig, h));
      process.stdout.off('error', onOutputError);
    },
  };
}

function printOutputTail(output: string | undefined): void {
  if (!output) return;
  const tail = output.trimEnd().split('\n').slice(-OUTPUT_LINES_ON_ERROR).join('\n');
  process.stderr.write(`--- program output (last lines) ---\n${tail}\n`);
}

function tryWriteTrace(file: string, trace: Trace): boolean {
  try {
    writeTrace(file, trace);
    return true;
  } catch (e) {
    process.stderr.write(`concurrency-lab: could not write ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return false;
  }
}

async function traceCmd(cmd: Extract<CliCommand, { cmd: 'trace' }>): Promise<number> {
  const abort = new AbortController();
  const signals = watchSignals(abort);
  // With --json, stdout carries only the trace: the program's own stdout goes to stderr.
  const toStdout = cmd.json ? process.stderr : process.stdout;
  try {
    const trace = await traceProgram(cmd.file, cmd.args, {
      runtime: cmd.runtime,
      pythonPath: cmd.pythonPath,
      timeoutMs: cmd.timeoutMs,
      signal: abort.signal,
      onOutput: (stream, text) => (stream === 'stdout' ? toStdout : process.stderr).write(text),
    });
    let written = true;
    if (cmd.traceFile) written = tryWriteTrace(cmd.traceFile, trace);
    if (cmd.json) {
      process.stdout.write(`${JSON.stringify(trace)}\n`);
    } else {
      const tty = process.stdout.isTTY === true;
      const colour = tty && !process.env.NO_COLOR;
      process.stdout.write(`\n${renderTraceReport(trace, { width: process.stdout.columns ?? 100, colour, timeline: tty || cmd.timeline })}\n`);
    }
    const v = trace.variants[0];
    return v && v.exitCode === 0 && !v.error && written ? 0 : 1;
  } catch (e) {
    const bySignal = signals.exitCode();
    if (bySignal !== undefined) return bySignal;
    if (!(e instanceof RunError)) throw e;
    process.stderr.write(`concurrency-lab: ${e.kind === 'bad-params' ? '' : `${e.kind}: `}${e.message}\n`);
    return e.kind === 'bad-params' ? 2 : 1;
  } finally {
    signals.dispose();
  }
}

async function run(cmd: Extract<CliCommand, { cmd: 'run' }>): Promise<number> {
  const abort = new AbortController();
  const signals = watchSignals(abort);
  try {
    const trace = await runScenario(cmd.scenario, cmd.params, {
      runtime: cmd.runtime, // unset: Python when found, else Node with a note
      pythonPath: cmd.pythonPath,
      programPath: cmd.programPath,
      timeoutMs: cmd.timeoutMs,
      repeat: cmd.repeat,
      signal: abort.signal,
      onProgress: (p, variant) => {
        const text = progressText(p, formatMessage, (id) => variant?.title ?? id);
        process.stderr.write(p.kind === 'variant' ? `running ${text}…\n` : `note: ${text}\n`);
      },
    });
    const written = cmd.traceFile ? tryWriteTrace(cmd.traceFile, trace) : true;
    if (cmd.json) {
      process.stdout.write(`${JSON.stringify(trace)}\n`);
    } else {
      process.stdout.write(`${renderVariantTable(trace)}\n`);
      const tty = process.stdout.isTTY === true;
      if (tty || cmd.timeline) {
        const colour = tty && !process.env.NO_COLOR;
        process.stdout.write(`\n${renderTimeline(trace, { width: process.stdout.columns ?? 100, colour })}\n`);
      }
    }
    return written ? 0 : 1;
  } catch (e) {
    const bySignal = signals.exitCode();
    if (bySignal !== undefined) return bySignal;
    if (!(e instanceof RunError)) throw e;
    if (e.kind === 'bad-params') {
      process.stderr.write(`concurrency-lab: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`concurrency-lab: ${e.kind}: ${e.message}\n`);
    printOutputTail(e.output);
    if (e.trace && cmd.traceFile) tryWriteTrace(cmd.traceFile, e.trace);
    return 1;
  } finally {
    signals.dispose();
  }
}

export async function main(argv: string[]): Promise<number> {
  let cmd: CliCommand;
  try {
    cmd = parseCliArgs(argv);
  } catch (e) {
    if (!(e instanceof CliArgError)) throw e;
    process.stderr.write(`concurrency-lab: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  switch (cmd.cmd) {
    case 'help':
      process.stdout.write(`${USAGE}\n\nscenarios: ${SCENARIOS.map((s) => s.id).join(', ')}\n`);
      return 0;
    case 'list':
      process.stdout.write(cmd.json ? `${JSON.stringify(SCENARIOS)}\n` : `${renderScenarioList()}\n`);
      return 0;
    case 'run':
      return run(cmd);
    case 'trace':
      return traceCmd(cmd);
  }
}

if (require.main === module) {
  // A terminal or reader that went away makes writes fail (EIO, EPIPE); that must not kill the CLI
  // before it has stopped the run's processes.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`concurrency-lab: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
