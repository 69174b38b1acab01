import { strict as assert } from 'node:assert';
import { paramsWithSettings, readLabSettings, resolvePythonPath } from '../../src/extension/settingsModel';

describe('extension settings', () => {
  describe('pythonPath and workspace trust', () => {
    const inspected = { globalValue: '/usr/bin/python3', workspaceValue: './evil/python' };

    it('ignores a workspace-level pythonPath in an untrusted workspace', () => {
      const r = resolvePythonPath(inspected, false);
      assert.equal(r.path, '/usr/bin/python3');
      assert.equal(r.ignoredWorkspaceValue, true);
    });

    it('ignores a folder-level value too, and finds nothing when only the workspace set one', () => {
      const r = resolvePythonPath({ workspaceFolderValue: '/tmp/x' }, false);
      assert.equal(r.path, undefined);
      assert.equal(r.ignoredWorkspaceValue, true);
    });

    it('uses the most specific value in a trusted workspace', () => {
      assert.equal(resolvePythonPath(inspected, true).path, './evil/python');
      assert.equal(resolvePythonPath({ ...inspected, workspaceFolderValue: '/f/python' }, true).path, '/f/python');
    });

    it('treats empty strings and non-strings as unset', () => {
      assert.equal(resolvePythonPath({ globalValue: '  ', workspaceValue: 42 }, true).path, undefined);
      assert.equal(resolvePythonPath(undefined, true).path, undefined);
    });
  });

  describe('reading values', () => {
    const reader = (values: Record<string, unknown>) => (key: string) => values[key];

    it('reads good values as they are', () => {
      const { settings, problems } = readLabSettings(
        reader({ runtime: 'node', timeoutSeconds: 7, defaultThreads: 4, defaultTasks: null, raceLock: 'off' }),
        '/py',
      );
      assert.deepEqual(problems, []);
      assert.deepEqual(settings, { runtime: 'node', pythonPath: '/py', defaultThreads: 4, defaultTasks: undefined, timeoutSeconds: 7, raceLock: 'off' });
    });

    it('reports each bad value and falls back to its default instead of throwing', () => {
      const { settings, problems } = readLabSettings(
        reader({ runtime: 'ruby', timeoutSeconds: 'soon', defaultThreads: 0, defaultTasks: 2.5, raceLock: true }),
        undefined,
      );
      assert.deepEqual(
        problems.map((p) => p.setting),
        ['concurrencyLab.runtime', 'concurrencyLab.raceLock', 'concurrencyLab.timeoutSeconds', 'concurrencyLab.defaultThreads', 'concurrencyLab.defaultTasks'],
      );
      assert.equal(settings.runtime, 'auto');
      assert.equal(settings.timeoutSeconds, 60);
      assert.equal(settings.defaultThreads, undefined);
      assert.equal(settings.raceLock, 'both');
      assert.match(problems[2].expected, /5 to 600/);
    });

    it('refuses a timeout outside 5–600 s', () => {
      assert.equal(readLabSettings(reader({ timeoutSeconds: 4 }), undefined).problems.length, 1);
      assert.equal(readLabSettings(reader({ timeoutSeconds: 601 }), undefined).problems.length, 1);
      assert.equal(readLabSettings(reader({ timeoutSeconds: 600 }), undefined).settings.timeoutSeconds, 600);
    });
  });

  describe('parameters from settings', () => {
    const settings = { defaultThreads: 8, defaultTasks: 50, raceLock: 'on' as const };

    it('fills only what the run did not give and the scenario reads', () => {
      assert.deepEqual(paramsWithSettings({ tasks: 3 }, ['threads', 'tasks', 'lock', 'scale'], settings), { tasks: 3, threads: 8, lock: 'on' });
      assert.deepEqual(paramsWithSettings(undefined, ['tasks', 'pools', 'scale'], settings), { tasks: 50 });
    });

    it('leaves the scenario defaults alone when nothing is set', () => {
      assert.deepEqual(paramsWithSettings({}, ['threads', 'scale'], { defaultThreads: undefined, defaultTasks: undefined, raceLock: 'both' }), {});
    });
  });
});
