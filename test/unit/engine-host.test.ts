import { strict as assert } from 'node:assert';
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFromHost, parseToHost, type FromHost, type ToHost } from '../../src/shared/hostProtocol';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { isAlive } from '../../src/engine/processTree';
import { privateFixtures, processesMentioning, waitFor } from '../fixtures/engine/procs';
import { newTag, processesTagged, runProcessesTagged, taggedEnv } from '../fixtures/engine/runMarker';

const root = findPackageRoot(__dirname)!;
const hostJs = path.join(root, 'dist', 'engineHost.js');
const fixture = (name: string): string => path.join(root, 'test', 'fixtures', 'engine', name);

function startHost(env?: NodeJS.ProcessEnv): { host: ChildProcess; messages: FromHost[]; next: (pred: (m: FromHost) => boolean) => Promise<FromHost> } {
  const host = fork(hostJs, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env });
  const messages: FromHost[] = [];
  host.on('message', (m) => {
    const parsed = parseFromHost(m);
    if (parsed) messages.push(parsed);
  });
  const next = async (pred: (m: FromHost) => boolean): Promise<FromHost> => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const found = messages.find(pred);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no such message; got ${JSON.stringify(messages.map((m) => m.type))}`);
  };
  return { host, messages, next };
}

const run = (id: number, programPath: string): ToHost =>
  ({ type: 'run', id, scenario: 'race', params: { lock: 'on' }, runtime: 'node', programPath }) as ToHost;

const hasPython = spawnSync('python3', ['-c', 'import sys; sys.exit(sys.version_info < (3, 8))']).status === 0;

/**
 * Requests that leave processes the host must stop: Node and (when there is one) Python programs
 * with children in new sessions that ignore SIGTERM, as scenario runs and as a plain trace.
 * Returns them with how many processes they start.
 */
function stubbornRuns(): { reqs: ToHost[]; procs: number } {
  const reqs: ToHost[] = [run(11, fixture('stubborn.mjs'))];
  let procs = 2;
  if (hasPython) {
    reqs.push({ type: 'run', id: 12, scenario: 'race', params: { lock: 'on' }, runtime: 'python', programPath: fixture('spawner.py') } as ToHost);
    reqs.push({ type: 'trace', id: 13, file: fixture('spawner.py'), args: [], cwd: root } as ToHost);
    procs += 6;
  }
  return { reqs, procs };
}

/** Waits for the host to exit, then until nothing tagged is left (a SIGKILLed process takes a moment). */
async function hostGone(host: { once: (e: 'exit', f: () => void) => unknown }, tag: string, exited?: Promise<unknown>): Promise<number[]> {
  await (exited ?? new Promise<void>((r) => host.once('exit', r)));
  await waitFor(() => processesTagged(tag).length === 0, 2000);
  return processesTagged(tag);
}

describe('engine host (dist/engineHost.js over IPC)', () => {
  before(function () {
    if (!fs.existsSync(hostJs)) this.skip();
  });

  it('checks requests', () => {
    assert.equal(parseToHost({ type: 'run', id: 1 }), undefined);
    assert.equal(parseToHost({ type: 'run', id: 1, scenario: 'gil', runtime: 'ruby' }), undefined);
    assert.deepEqual(parseToHost({ type: 'cancel', id: 3 }), { type: 'cancel', id: 3 });
    // The interpreter's version as the extension found it: a plain x.y.z, or the request is refused.
    const checked = { type: 'run', id: 4, scenario: 'race', pythonPath: '/usr/bin/python3', pythonVersion: '3.11.7' };
    assert.equal((parseToHost(checked) as { pythonVersion?: string } | undefined)?.pythonVersion, '3.11.7');
    assert.equal(parseToHost({ ...checked, pythonVersion: '3.11.7; rm -rf' }), undefined);
    assert.equal(parseToHost({ type: 'trace', id: 5, file: '/a.py', cwd: '/', pythonVersion: 3 }), undefined);
  });

  it('streams progress and answers with a trace', async () => {
    const { host, next } = startHost();
    host.send(run(7, fixture('good.mjs')));
    const progress = await next((m) => m.type === 'progress');
    assert.equal(progress.id, 7);
    // Structured: the variant by id, its place in the run, and the command exactly as spawned.
    const p = progress.type === 'progress' ? progress.progress : undefined;
    assert.deepEqual(p && p.kind === 'variant' && { ...p, argv: p.argv.slice(1, 4) }, { kind: 'variant', variant: 'lock', index: 1, count: 1, argv: [fixture('good.mjs'), '--variant', 'lock'] });
    const result = await next((m) => m.type !== 'progress');
    assert.equal(result.type, 'result');
    if (result.type === 'result') assert.equal(result.trace.variants[0].id, 'lock');
    host.kill();
  });

  it('cancels one run with its process tree, and errors carry kind, output and partial trace', async function () {
    if (process.platform !== 'linux') this.skip(); // finds the run's processes in /proc
    const { host, next } = startHost();
    const dir = privateFixtures('hang.mjs');
    host.send(run(1, path.join(dir, 'hang.mjs')));
    await next((m) => m.type === 'progress');
    assert.ok(await waitFor(() => processesMentioning(dir).length > 0), 'the program started');
    await new Promise((r) => setTimeout(r, 1500)); // let it report its lanes and print its pid, even under load
    host.send({ type: 'cancel', id: 1 });
    const error = await next((m) => m.type === 'error');
    assert.equal(error.type === 'error' && error.kind, 'cancelled');
    if (error.type === 'error') {
      assert.ok(error.trace?.variants.length);
      const pid = Number(/PID (\d+)/.exec(error.output ?? '')?.[1]);
      assert.ok(pid > 0);
      assert.equal(isAlive(pid), false);
    }
    assert.deepEqual(processesMentioning(dir), []);
    host.kill();
    fs.rmSync(dir, { recursive: true });
  });

  it('stops every run and exits when the extension goes away (IPC disconnect)', async function () {
    if (process.platform !== 'linux') this.skip(); // finds the run's processes in /proc
    const { host } = startHost();
    let output = '';
    host.stderr?.on('data', (d) => (output += String(d)));
    const dir = privateFixtures('grandchild.mjs');
    host.send(run(2, path.join(dir, 'grandchild.mjs')));
    // the pids are only in the program's output, which a disconnected host cannot send: find them.
    // The program and its detached grandchild mention the folder; the in-group sleeper is `node -e`.
    assert.ok(await waitFor(() => processesMentioning(dir).length >= 2), 'program and grandchild running');
    const children = processesMentioning(dir);
    const exited = new Promise((r) => host.once('exit', r));
    host.disconnect();
    await exited;
    const deadline = Date.now() + 3000;
    while (children.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(children.filter(isAlive), [], output);
    fs.rmSync(dir, { recursive: true });
  });

  describe('stops every run and every process of it when it loses the extension', function () {
    this.timeout(90_000);
    before(function () {
      if (process.platform !== 'linux') this.skip(); // finds the run's processes in /proc
    });

    it('the IPC channel closes: runs of both runtimes, new sessions and SIGTERM-proof children included', async () => {
      const tag = newTag();
      const { host } = startHost(taggedEnv(tag));
      const exited = new Promise((r) => host.once('exit', r));
      try {
        const { reqs, procs } = stubbornRuns();
        for (const r of reqs) host.send(r);
        assert.ok(await waitFor(() => runProcessesTagged(tag).length >= procs, 30_000), `${procs} processes started`);
        const started = Date.now();
        host.disconnect();
        assert.deepEqual(await hostGone(host, tag, exited), [], 'nothing of any run is left');
        assert.ok(Date.now() - started < 8000, `the host took ${Date.now() - started} ms`);
      } finally {
        for (const p of processesTagged(tag)) process.kill(p, 'SIGKILL');
      }
    });

    it('the extension dies (SIGKILL): the host notices the channel closing', async () => {
      const tag = newTag();
      const { reqs, procs } = stubbornRuns();
      const ext = spawn(process.execPath, [fixture('fakeExtension.mjs'), hostJs, JSON.stringify(reqs)], { stdio: ['ignore', 'pipe', 'inherit'], env: taggedEnv(tag) });
      let out = '';
      ext.stdout.on('data', (d) => (out += String(d)));
      try {
        assert.ok(await waitFor(() => /HOST (\d+)/.test(out) && runProcessesTagged(tag).length >= procs, 30_000), `${procs} processes started`);
        const hostPid = Number(/HOST (\d+)/.exec(out)![1]);
        ext.kill('SIGKILL');
        assert.ok(await waitFor(() => !isAlive(hostPid), 8000), 'the host exited');
        assert.ok(await waitFor(() => processesTagged(tag).length === 0, 2000), `left: ${processesTagged(tag).join(' ')}`);
      } finally {
        for (const p of processesTagged(tag)) process.kill(p, 'SIGKILL');
      }
    });

    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      it(`${sig} to the host (the editor's terminal closed, Ctrl-C)`, async () => {
        const tag = newTag();
        const { host } = startHost(taggedEnv(tag));
        const exited = new Promise((r) => host.once('exit', r));
        try {
          host.send(run(21, fixture('stubborn.mjs')));
          assert.ok(await waitFor(() => runProcessesTagged(tag).length >= 2, 30_000), 'the program and its child started');
          host.kill(sig);
          assert.deepEqual(await hostGone(host, tag, exited), [], 'nothing of the run is left');
        } finally {
          for (const p of processesTagged(tag)) process.kill(p, 'SIGKILL');
        }
      });
    }
  });
});
