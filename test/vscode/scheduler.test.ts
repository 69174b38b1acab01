import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { api, waitFor } from './helpers';

describe('Be the Scheduler', () => {
  it('opens on a level from a link: the webview starts the real driver, and its threads arrive', async function () {
    this.timeout(60_000);
    const lab = await api();
    await vscode.commands.executeCommand('concurrencyLab.beTheScheduler', { level: 'lost-update' });
    await waitFor(() => (lab.scheduler()?.threads.length ?? 0) >= 2, 30_000, 'the driver to report two threads');
    const s = lab.scheduler()!;
    assert.equal(s.level, 'lost-update');
    assert.equal(s.status, 'running');
    assert.ok(s.threads.includes('MainThread') && s.threads.some((t) => t.startsWith('Thread-1')), s.threads.join(', '));
    // The same level again, after looking at another editor: the run under way is kept.
    const run = s.run;
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await vscode.commands.executeCommand('concurrencyLab.beTheScheduler', { level: 'lost-update' });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(lab.scheduler()?.run, run, 'not restarted');
    assert.equal(lab.scheduler()?.status, 'running');
    // Another level in the same panel: the old driver is stopped, the new one reports.
    await vscode.commands.executeCommand('concurrencyLab.beTheScheduler', { level: 'two-locks' });
    await waitFor(() => lab.scheduler()?.level === 'two-locks' && (lab.scheduler()?.threads.some((t) => t.includes('first_a_then_b')) ?? false), 30_000, 'level 4 to start');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
