import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/extension/run/runController';
import { api, waitFor } from './helpers';

/** Live engine hosts started by this extension host (Linux only: read from /proc). */
function engineHosts(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const [state, ppid] = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return cmd.includes('engineHost.js') && state !== 'Z' && Number(ppid) === process.pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('demo panel', () => {
  it('closing the panel stops the run in progress and leaves no engine host behind', async function () {
    const lab = await api();
    const done = vscode.commands.executeCommand<RunOutcome | undefined>('concurrencyLab.runDemo', {
      scenario: 'gil',
      runtime: 'node',
      params: { scale: 5 },
    });
    await waitFor(() => lab.isPanelOpen() && lab.lastRunSpec()?.params.scale === 5, 20_000, 'the run to start');
    await new Promise((r) => setTimeout(r, 1000));
    if (process.platform === 'linux') assert.ok(engineHosts().length > 0, 'an engine host is running');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    if (lab.isPanelOpen()) {
      // The panel may not be the active editor: close every editor instead.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
    const outcome = await done;
    assert.equal(outcome?.ok, false);
    if (outcome && !outcome.ok) assert.equal(outcome.kind, 'cancelled');
    assert.equal(lab.isPanelOpen(), false);
    if (process.platform === 'linux') await waitFor(() => engineHosts().length === 0, 5000, 'every engine host to exit');
  });

  it('runs the lesson program on Python when one is available', async function () {
    const lab = await api();
    const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>('concurrencyLab.runDemo', {
      scenario: 'race',
      runtime: 'python',
      params: { scale: 0.2, tasks: 20 },
    });
    if (outcome && !outcome.ok && outcome.kind === 'runtime-missing') this.skip();
    assert.ok(outcome?.ok, outcome && !outcome.ok ? `${outcome.kind}: ${outcome.message}` : 'no outcome');
    const trace = lab.lastTrace();
    assert.equal(trace?.runtime, 'python');
    assert.ok(trace?.env.python, 'the interpreter version is recorded');
    const noLock = trace?.variants.find((v) => v.id === 'no-lock');
    assert.equal(noLock?.outcome?.expected, 20);
  });
});
