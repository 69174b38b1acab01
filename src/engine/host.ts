/**
 * The engine host: a Node process the extension starts with `child_process.fork`, so CPU-heavy
 * demos and their process trees live outside the extension host. It runs scenarios on request,
 * streams progress, and answers with a trace or an error. When the IPC channel goes away (the
 * editor closed, the extension deactivated) it stops every run it started and exits.
 */
import { RunError } from './errors';
import { trustCheckedPython } from './python/findPython';
import { parseToHost, type FromHost, type HostRunRequest, type HostTraceRequest } from '../shared/hostProtocol';
import { runScenario } from './runScenario';
import { traceProgram } from './traceProgram';
import type { RunProgress } from '../shared/progress';
import type { Trace } from '../shared/trace';

/** Longest wait for the runs to stop their process trees before exiting anyway. */
const EXIT_WAIT_MS = 5000;

const runs = new Map<number, { abort: AbortController; done: Promise<void> }>();

function send(msg: FromHost): void {
  if (process.connected) process.send?.(msg);
}

/** What a request asks the engine for: a scenario's variants, or one program traced as it is. */
function job(req: HostRunRequest | HostTraceRequest, signal: AbortSignal): Promise<Trace> {
  const { runtime, pythonPath, timeoutMs, extensionRoot } = req;
  // The extension checked this interpreter already (once per setting); a fresh host need not again.
  if (pythonPath && req.pythonVersion) trustCheckedPython(pythonPath, req.pythonVersion);
  const onProgress = (progress: RunProgress) => send({ type: 'progress', id: req.id, progress });
  if (req.type === 'trace') return traceProgram(req.file, req.args, { runtime, pythonPath, timeoutMs, extensionRoot, cwd: req.cwd, signal, onProgress });
  return runScenario(req.scenario, req.params, {
    runtime,
    pythonPath,
    programPath: req.programPath,
    timeoutMs,
    repeat: req.repeat,
    extensionRoot,
    signal,
    onProgress,
  });
}

function start(req: HostRunRequest | HostTraceRequest): void {
  if (runs.has(req.id)) {
    send({ type: 'error', id: req.id, kind: 'internal', message: `run ${req.id} is already running` });
    return;
  }
  const abort = new AbortController();
  const done = job(req, abort.signal)
    .then((trace) => send({ type: 'result', id: req.id, trace }))
    .catch((e: unknown) => {
      if (e instanceof RunError) send({ type: 'error', id: req.id, kind: e.kind, message: e.message, output: e.output, trace: e.trace });
      else send({ type: 'error', id: req.id, kind: 'internal', message: e instanceof Error ? e.message : String(e) });
    })
    .finally(() => runs.delete(req.id));
  runs.set(req.id, { abort, done });
}

/** Set once the host is going away: no new run may start behind the shutdown's back. */
let closing = false;

async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  const pending = [...runs.values()];
  for (const r of pending) r.abort.abort();
  await Promise.race([Promise.all(pending.map((r) => r.done)), new Promise((r) => setTimeout(r, EXIT_WAIT_MS))]);
  process.exit(0);
}

process.on('message', (raw: unknown) => {
  const msg = parseToHost(raw);
  if (!msg) {
    const rawId = (raw as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) ? rawId : -1;
    send({ type: 'error', id, kind: 'internal', message: 'malformed request' });
  } else if (msg.type === 'run' || msg.type === 'trace') {
    if (closing) send({ type: 'error', id: msg.id, kind: 'cancelled', message: 'the engine host is shutting down' });
    else start(msg);
  } else {
    runs.get(msg.id)?.abort.abort();
  }
});
process.on('disconnect', () => void shutdown());
// The programs run in process groups of their own, so a signal that ends the host does not reach
// them: the editor's terminal closing (SIGHUP), Ctrl-C in it (SIGINT) or a kill must stop them first.
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void shutdown());

if (!process.send) {
  console.error('engineHost is started by the extension with child_process.fork; for a terminal use the CLI.');
  process.exit(2);
}
