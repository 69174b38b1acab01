import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/extension/run/runController';
import { api, extension } from './helpers';

describe('learner programs', () => {
  it('copies a program and its helpers, then opens it beside', async () => {
    await api();
    const copy = await vscode.commands.executeCommand<vscode.Uri | undefined>('concurrencyLab.openProgram', { scenario: 'download', language: 'node' });
    assert.ok(copy, 'a copy was made');
    const shipped = vscode.Uri.joinPath(extension().extensionUri, 'media', 'programs', 'node', 'download.mjs');
    assert.deepEqual(await vscode.workspace.fs.readFile(copy), await vscode.workspace.fs.readFile(shipped));
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(copy, '..', 'common.mjs'));
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), copy.toString());
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder && vscode.workspace.isTrusted) assert.ok(copy.path.startsWith(`${folder.uri.path}/concurrency-lab/`));
  });

  it('runs the learner copy through the engine in a trusted workspace', async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    const lab = await api();
    const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>('concurrencyLab.runMyProgram', { scenario: 'download', language: 'node' });
    assert.ok(outcome?.ok, outcome && !outcome.ok ? `${outcome.kind}: ${outcome.message}` : 'no outcome');
    assert.match(lab.lastRunSpec()?.programPath ?? '', /concurrency-lab.node.download\.mjs$/);
  });

  it('resets a copy to the original, and makes it again when it was deleted', async () => {
    await api();
    const copy = await vscode.commands.executeCommand<vscode.Uri | undefined>('concurrencyLab.openProgram', { example: 'reentrant' });
    assert.ok(copy, 'the example was copied');
    await vscode.workspace.fs.delete(copy);
    const reset = await vscode.commands.executeCommand<vscode.Uri | undefined>('concurrencyLab.resetProgram', { example: 'reentrant' });
    assert.equal(reset?.toString(), copy.toString());
    const shipped = vscode.Uri.joinPath(extension().extensionUri, 'media', 'programs', 'python', 'reentrant.py');
    assert.deepEqual(await vscode.workspace.fs.readFile(copy), await vscode.workspace.fs.readFile(shipped));
  });

  it('never overwrites an edited copy when the program is opened again: it asks, and keeps the edits unless told', async () => {
    await api();
    const copy = await vscode.commands.executeCommand<vscode.Uri | undefined>('concurrencyLab.openProgram', { scenario: 'race', language: 'python' });
    assert.ok(copy, 'the program was copied');
    const edited = `${new TextDecoder().decode(await vscode.workspace.fs.readFile(copy))}\n# my experiment: fewer threads\n`;
    await vscode.workspace.fs.writeFile(copy, new TextEncoder().encode(edited));
    // Opened again: the question waits for the learner; meanwhile nothing is written.
    const again = vscode.commands.executeCommand<vscode.Uri | undefined>('concurrencyLab.openProgram', { scenario: 'race', language: 'python' });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(copy)), edited, 'kept while the question is open');
    // Dismissed without an answer: the copy is opened as it is.
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal((await again)?.toString(), copy.toString());
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(copy)), edited, 'the edits survive');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), copy.toString());
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
