import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { extension } from './helpers';

const COMMANDS = [
  'concurrencyLab.runDemo',
  'concurrencyLab.openProgram',
  'concurrencyLab.runMyProgram',
  'concurrencyLab.resetProgram',
  'concurrencyLab.quiz',
  'concurrencyLab.openLesson',
  'concurrencyLab.traceProgram',
  'concurrencyLab.traceProgramWithArgs',
  'concurrencyLab.beTheScheduler',
];

describe('activation', () => {
  it('is not active before a command or the panel needs it', () => {
    assert.equal(extension().isActive, false);
  });

  it('declares lazy activation only', () => {
    const manifest = extension().packageJSON as { activationEvents: string[]; contributes: { commands: { command: string }[] } };
    assert.deepEqual(manifest.activationEvents, ['onWebviewPanel:concurrencyLab.demo']);
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), [...COMMANDS].sort());
  });

  it('activates on its first command and registers every command', async () => {
    // An unknown scenario is refused with a message: it wakes the extension without starting a run.
    const outcome = await vscode.commands.executeCommand('concurrencyLab.runDemo', { scenario: 'no-such-demo' });
    assert.equal(outcome, undefined);
    assert.equal(extension().isActive, true);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of COMMANDS) assert.ok(registered.has(id), `${id} is registered`);
  });
});
