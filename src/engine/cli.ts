/**
 * `concurrency-lab`: the demos in a terminal, on the same engine as the extension.
 *   concurrency-lab list
 *   concurrency-lab run gil --threads 4 [--json] [--trace out.json]
 * Exit codes: 0 ok, 1 the run failed, 2 bad arguments, 130 interrupted (Ctrl-C).
 */
import * as fs from 'node:fs';
import { toChromeTrace } from '../shared/chromeTrace';
import { SCENARIOS } from '../shared/scenarios';
import type { Trace } from '../shared/trace';
import { CliArgError, parseCliArgs, USAGE, type CliCommand } from './cliArgs';
import { renderScenarioList, renderVariantTable } from './cliTable';
import { renderTimeline } from './cliTimeline';
import { RunError } from './errors';
import { runScenario } from './runScenario';

const OUTPUT_LINES_ON_ERROR = 30;

function writeTrace(file: string, trace: Trace): void {
  fs.writeFileSync(file, JSON.stringify(toChromeTrace(trace)));
  process.stderr.write(`wrote ${file} (Chrome Trace Event format: open it in Perfetto or chrome://tracing)\n`);
}

async function run(cmd: Extract<CliCommand, { cmd: 'run' }>): Promise<number> {
  const abort = new AbortController();
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
    process.stderr.write('\nstopping…\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const trace = await runScenario(cmd.scenario, cmd.params, {
      runtime: cmd.runtime, // unset: Python when found, else Node with a note
      pythonPath: cmd.pythonPath,
      programPath: cmd.programPath,
      timeoutMs: cmd.timeoutMs,
      signal: abort.signal,
      onProgress: (p) => process.stderr.write(p.variant ? `running ${p.message}…\n` : `note: ${p.message}\n`),
    });
    if (cmd.traceFile) writeTrace(cmd.traceFile, trace);
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
    return 0;
  } catch (e) {
    if (interrupted) return 130;
    if (!(e instanceof RunError)) throw e;
    if (e.kind === 'bad-params') {
      process.stderr.write(`concurrency-lab: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`concurrency-lab: ${e.kind}: ${e.message}\n`);
    if (e.output) {
      const tail = e.output.trimEnd().split('\n').slice(-OUTPUT_LINES_ON_ERROR).join('\n');
      process.stderr.write(`--- program output (last lines) ---\n${tail}\n`);
    }
    if (e.trace && cmd.traceFile) writeTrace(cmd.traceFile, e.trace);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
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
  }
}

if (require.main === module) {
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
