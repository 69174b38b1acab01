/**
 * The run resolver without an editor: arguments + settings + the interpreter lookup → the run spec
 * the host gets, the request the panel mirrors and the failure label — or the message the learner sees.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mayUsePython, resolveRun, resolveTrace, type RunArgs, type RunContext } from '../../src/extension/run/runResolver';
import type { LabSettings } from '../../src/extension/settingsModel';
import type { PythonLookup } from '../../src/extension/run/pythonLocator';
import { formatMessage } from '../../src/shared/progress';
import { DEFAULT_TIMEOUT_SECONDS } from '../../src/shared/runDefaults';

const SETTINGS: LabSettings = { runtime: 'auto', pythonPath: undefined, defaultThreads: undefined, defaultTasks: undefined, timeoutSeconds: 60, raceLock: 'both' };
const FOUND: PythonLookup = { ok: true, python: { executable: '/opt/py/bin/python3.12', version: '3.12.1' } };
const MISSING: PythonLookup = { ok: false, error: 'no python3 on PATH' };

const context = (settings: Partial<LabSettings> = {}, python: PythonLookup | undefined = FOUND): RunContext => ({
  settings: { ...SETTINGS, ...settings },
  python,
  extensionRoot: '/ext',
  t: formatMessage,
});

function resolved(args: RunArgs, ctx = context(), programPath?: string) {
  const r = resolveRun(args, ctx, programPath);
  if ('error' in r) throw new Error(r.error);
  return r;
}

const errorOf = (args: RunArgs, ctx = context()): string => {
  const r = resolveRun(args, ctx);
  assert.ok('error' in r, 'expected an error');
  return r.error;
};

describe('run resolver', () => {
  it('refuses an unknown or missing scenario, naming the known ones', () => {
    assert.match(errorOf({ scenario: 'nope' }), /^Unknown scenario "nope"\. Known scenarios: .*race/);
    assert.match(errorOf({}), /^Unknown scenario undefined\./);
  });

  it('refuses params that are not an object', () => {
    for (const params of [[1], 'threads=4', 4, null]) assert.match(errorOf({ scenario: 'race', params }), /must be an object/, JSON.stringify(params));
  });

  it('refuses a runtime that is not python or node', () => {
    assert.equal(errorOf({ scenario: 'race', runtime: 'ruby' }), 'Unknown runtime "ruby": use "python" or "node".');
    assert.match(errorOf({ scenario: 'race', runtime: 'auto' }), /Unknown runtime "auto"/, 'auto is a setting, not an argument');
  });

  it('refuses a repeat outside 1..MAX_REPEAT', () => {
    for (const repeat of [0, 21, 1.5, '3']) assert.match(errorOf({ scenario: 'race', repeat }), /^Repeat must be a whole number from 1 to 20\.$/, String(repeat));
  });

  it('refuses invalid parameters, with every problem', () => {
    const error = errorOf({ scenario: 'race', params: { threads: 0, bogus: 1 } });
    assert.match(error, /^The parameters for "Race condition and lock" are not valid: /);
    assert.match(error, /threads/);
    assert.match(error, /bogus/);
  });

  it('auto runs Python when an interpreter is found, by its real path', () => {
    const r = resolved({ scenario: 'gil' });
    assert.equal(r.spec.runtime, 'python');
    assert.equal(r.spec.pythonPath, '/opt/py/bin/python3.12');
    assert.equal(r.noPython, undefined);
    assert.equal(r.title, `Running "${r.scenario.title}" on Python`);
  });

  it('auto runs Node when none is found, and says why', () => {
    const r = resolved({ scenario: 'gil' }, context({}, MISSING));
    assert.equal(r.spec.runtime, 'node');
    assert.equal(r.spec.pythonPath, undefined);
    assert.equal(r.noPython, 'no python3 on PATH');
    assert.equal(r.shown.request.runtime, 'node');
  });

  it('an explicit runtime wins over the setting, and never falls back', () => {
    assert.equal(resolved({ scenario: 'gil', runtime: 'node' }).spec.runtime, 'node');
    assert.equal(resolved({ scenario: 'gil' }, context({ runtime: 'node' })).spec.runtime, 'node');
    const python = resolved({ scenario: 'gil', runtime: 'python' }, context({ pythonPath: 'py3' }, MISSING));
    assert.equal(python.spec.runtime, 'python');
    assert.equal(python.spec.pythonPath, 'py3', 'the setting, for the host to report');
    assert.equal(python.noPython, undefined);
    assert.match(python.describe, /interpreter not found: no python3 on PATH/);
  });

  it('looks Python up only when the run may use it', () => {
    assert.equal(mayUsePython({ scenario: 'gil' }, SETTINGS), true);
    assert.equal(mayUsePython({ scenario: 'gil', runtime: 'node' }, SETTINGS), false);
    assert.equal(mayUsePython({ scenario: 'gil' }, { ...SETTINGS, runtime: 'node' }), false);
    assert.equal(mayUsePython({ scenario: 'gil', runtime: 'python' }, { ...SETTINGS, runtime: 'node' }), true);
  });

  it('takes the timeout and the parameters from the settings, validated once into the request', () => {
    const r = resolved({ scenario: 'race', params: { tasks: 5 }, repeat: 3 }, context({ timeoutSeconds: 7, defaultThreads: 3, raceLock: 'on' }));
    assert.equal(r.spec.timeoutMs, 7000);
    assert.deepEqual(r.spec.params, { ...r.scenario.defaults, tasks: 5, threads: 3, lock: 'on' });
    assert.deepEqual(r.shown.request, { scenario: 'race', runtime: 'python', params: r.spec.params, repeat: 3 });
    assert.equal(r.spec.repeat, 3);
    assert.equal(r.spec.extensionRoot, '/ext');
    assert.deepEqual([...r.titles.keys()], ['lock'], 'only the variants this run runs');
    assert.equal(r.changed, true);
    assert.equal(resolved({ scenario: 'race' }).spec.repeat, undefined);
    assert.equal(resolved({ scenario: 'race' }).changed, false, 'the defaults are no experiment');
  });

  it('runs a learner’s copy, which is an experiment and fails as a copy', () => {
    const r = resolved({ scenario: 'race' }, context(), '/w/concurrency-lab/python/race.py');
    assert.equal(r.spec.programPath, '/w/concurrency-lab/python/race.py');
    assert.equal(r.changed, true);
    assert.deepEqual(r.failed, { label: 'race', runtime: 'python', source: 'copy' });
    assert.deepEqual(resolved({ scenario: 'race' }).failed, { label: 'race', runtime: 'python', source: 'demo' });
  });

  it('traces a program with the settings’ interpreter and timeout, or the link’s own timeout', () => {
    const program = { file: '/w/app folder/main.py', args: ['-n', '3'], cwd: '/w/app folder', runtime: 'python' as const };
    const r = resolveTrace(program, context({ timeoutSeconds: 30 }));
    assert.deepEqual(r.spec, { ...program, pythonPath: '/opt/py/bin/python3.12', pythonVersion: '3.12.1', timeoutMs: 30_000, extensionRoot: '/ext' });
    assert.notEqual(r.spec.args, program.args, 'the spec owns its arguments');
    assert.deepEqual(r.shown, { note: { kind: 'note', note: 'tracing', args: ['main.py', 'Python'] } });
    assert.equal(r.title, 'Tracing main.py on Python');
    assert.deepEqual(r.failed, { label: 'main.py', runtime: 'python', source: 'file' });
    assert.equal(resolveTrace({ ...program, timeoutMs: 5000 }, context()).spec.timeoutMs, 5000);
    const node = resolveTrace({ ...program, file: '/w/a.mjs', runtime: 'node' }, context({ pythonPath: '/py' }, undefined));
    assert.equal(node.title, 'Tracing a.mjs on Node');
  });

  it('has one default timeout, the setting’s default in package.json', () => {
    const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default?: unknown }> } | { properties: Record<string, { default?: unknown }> }[] };
    };
    const sections = [manifest.contributes.configuration].flat();
    const timeout = sections.map((c) => c.properties['concurrencyLab.timeoutSeconds']).find(Boolean);
    assert.equal(timeout?.default, DEFAULT_TIMEOUT_SECONDS);
  });
});
