import { strict as assert } from 'node:assert';
import { preferPythonExtension, type FindPython } from '../../src/extension/run/pythonLocator';

/** A fake discovery: knows which paths are usable Pythons, records what it was asked. */
function fakeFind(usable: string[], asked: (string | undefined)[]): FindPython {
  return async (path) => {
    asked.push(path);
    if (path === undefined) return { ok: true, python: { executable: '/usr/bin/python3', version: '3.11.2' } };
    return usable.includes(path) ? { ok: true, python: { executable: path, version: '3.12.0' } } : { ok: false, error: `no ${path}` };
  };
}

describe('which Python the demos use', () => {
  it('the setting wins and the Python extension is not asked', async () => {
    const asked: (string | undefined)[] = [];
    let consulted = false;
    const find = preferPythonExtension(fakeFind(['/opt/py'], asked), async () => ((consulted = true), '/venv/bin/python'));
    const r = await find('/opt/py');
    assert.ok(r.ok && r.python.executable === '/opt/py');
    assert.equal(consulted, false);
  });

  it("uses the Python extension's interpreter when no path is set, version-checked", async () => {
    const asked: (string | undefined)[] = [];
    const find = preferPythonExtension(fakeFind(['/venv/bin/python'], asked), async () => '/venv/bin/python');
    const r = await find(undefined);
    assert.ok(r.ok && r.python.executable === '/venv/bin/python');
    assert.deepEqual(asked, ['/venv/bin/python']);
  });

  it("falls back to its own search when the extension's choice is unusable or absent", async () => {
    const asked: (string | undefined)[] = [];
    const broken = preferPythonExtension(fakeFind([], asked), async () => '/venv/bin/python2.7');
    const r = await broken(undefined);
    assert.ok(r.ok && r.python.executable === '/usr/bin/python3');
    assert.deepEqual(asked, ['/venv/bin/python2.7', undefined]);
    const none = preferPythonExtension(fakeFind([], []), async () => undefined);
    assert.ok((await none(undefined)).ok);
  });
});
