/**
 * Which files the panel's code links may open (extension/panel/openSource.ts) and how the message
 * asking for one is checked (shared/protocol.ts): for a run of this session, only a real file of the
 * program it traced that its trace names; for a run from before a reload, a file in the workspace or
 * the shipped programs.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referencedFiles, resolveSource, SessionRuns, shippedProgram, type SourceContext } from '../../src/extension/panel/openSource';
import { parseFromWebview } from '../../src/shared/protocol';
import type { Trace } from '../../src/shared/trace';

describe('opening the code a trace refers to', () => {
  let root: string;
  let program: string;
  let outside: string;
  let extensionRoot: string;
  let trace: Trace;
  let restored: Trace;
  let ctx: SourceContext;

  /** The message the webview posts for a run it shows. */
  const place = (t: Trace, file: string, line = 18) => ({ startedAt: t.startedAt, scenario: t.scenario, runtime: t.runtime, ...(t.program ? { program: t.program.path } : {}), file, line });
  const ask = (file: string, line = 18, t: Trace = trace) => resolveSource(place(t, file, line), ctx);
  const refused = (r: ReturnType<typeof ask>, reason: RegExp) => {
    assert.equal(r.ok, false, JSON.stringify(r));
    if (!r.ok) assert.match(r.reason, reason);
  };

  /** A traced program's run whose spans and stuck frames name `files` (as the tracer spells them). */
  function traced(startedAt: string, path: string, wheres: string[], frames: string[]): Trace {
    return {
      schema: 2,
      scenario: 'program',
      runtime: 'python',
      params: {},
      env: { platform: 'linux', cpus: 2, node: 'v20' },
      startedAt,
      program: { path, args: [] },
      variants: [
        {
          id: 'program',
          title: 'race.py',
          wallUs: 1000,
          lanes: [{ id: 0, name: 'MainThread', kind: 'main', where: 'race.py:40' }],
          spans: wheres.map((w, i) => ({ lane: 0, state: 'lock-wait' as const, start: i, end: i + 1, note: 'Lock (race.py:12) held by Thread-1', where: w })),
          marks: [],
          stuck: { threads: [{ lane: 0, frames: frames.map((file) => ({ file, line: 3, func: 'f' })) }] },
        },
      ],
    };
  }

  before(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'clab-open-')));
    mkdirSync(join(root, 'work', 'pkg'), { recursive: true });
    mkdirSync(join(root, 'elsewhere'));
    mkdirSync(join(root, 'ext', 'media', 'programs', 'python'), { recursive: true });
    extensionRoot = join(root, 'ext');
    program = join(root, 'work', 'race.py');
    outside = join(root, 'elsewhere', 'secret.py');
    for (const f of [program, join(root, 'work', 'helper.py'), join(root, 'work', 'pkg', 'mod.py'), outside, shippedProgram(extensionRoot, 'race', 'python')]) writeFileSync(f, 'x = 1\n');
    symlinkSync(outside, join(root, 'work', 'link.py'));
    mkdirSync(join(root, 'work', 'adir.py'));
    trace = traced(
      '2026-11-27T08:00:00.000Z',
      program,
      ['race.py:18', 'helper.py:5', '../elsewhere/secret.py:1', 'link.py:1', 'missing.py:2', 'adir.py:1', '<stdin>:1'],
      ['/usr/lib/python3.11/threading.py', join(root, 'work', 'pkg', 'mod.py'), outside, join(root, 'work', '..', 'elsewhere', 'secret.py')],
    );
    restored = traced('2026-11-27T09:00:00.000Z', outside, ['secret.py:1'], []);
    const runs = new SessionRuns();
    runs.remember(trace, program);
    ctx = { runs, extensionRoot, workspaceRoots: [join(root, 'work')] };
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('lists the files a trace refers to as it spells them', () => {
    const files = referencedFiles(trace);
    assert.ok(files.has('race.py') && files.has('helper.py') && files.has('/usr/lib/python3.11/threading.py'));
    assert.ok(!files.has('race.py:18'), 'the line is not part of the name');
  });

  it('opens a bare name from a where in the program folder, the program and its helpers', () => {
    assert.deepEqual(ask('race.py'), { ok: true, file: program, line: 18 });
    assert.deepEqual(ask('helper.py', 5), { ok: true, file: join(root, 'work', 'helper.py'), line: 5 });
  });

  it('opens a stack frame path inside the program folder, subfolders included', () => {
    assert.deepEqual(ask(join(root, 'work', 'pkg', 'mod.py'), 3), { ok: true, file: join(root, 'work', 'pkg', 'mod.py'), line: 3 });
  });

  it('refuses a file the run does not refer to, even one in the program folder', () => {
    refused(ask('pkg/mod.py'), /does not refer to/);
    refused(ask(join(root, 'work', 'helper.py')), /does not refer to/);
  });

  it('refuses a path outside the program folder', () => {
    refused(ask(outside), /outside the program's folder/);
  });

  it('refuses .. out of the program folder, as a where and as a frame', () => {
    refused(ask('../elsewhere/secret.py'), /outside the program's folder/);
    refused(ask(join(root, 'work', '..', 'elsewhere', 'secret.py')), /outside the program's folder/);
  });

  it('refuses a symbolic link in the program folder that leads outside it', () => {
    refused(ask('link.py'), /outside the program's folder/);
  });

  it('refuses a missing file, a folder and code without a file', () => {
    refused(ask('missing.py'), /does not exist/);
    refused(ask('adir.py'), /not a regular file/);
    refused(ask('<stdin>'), /does not exist/);
  });

  it('refuses the standard library a stack frame names', () => {
    refused(ask('/usr/lib/python3.11/threading.py'), /does not exist|outside the program's folder/);
  });

  it('remembers only what the check needs, for a bounded number of runs', () => {
    const runs = new SessionRuns();
    runs.remember(trace, program);
    assert.deepEqual(runs.get(trace), { program, files: referencedFiles(trace) });
    for (let i = 0; i < 150; i++) runs.remember({ ...trace, startedAt: new Date(Date.UTC(2027, 0, 1, 0, 0, i)).toISOString() }, program);
    assert.equal(runs.get(trace), undefined, 'the oldest run was forgotten');
    assert.ok(runs.get({ startedAt: new Date(Date.UTC(2027, 0, 1, 0, 0, 149)).toISOString(), scenario: 'program' }));
    assert.equal(runs.get({ startedAt: trace.startedAt, scenario: 'race' }), undefined, 'a run is named by its start and its scenario');
  });

  it('a run from before a reload: opens a file in the workspace, refuses one outside it', () => {
    // The extension host is new: it knows none of the webview's runs, and the program path is the webview's word.
    const fresh = { ...ctx, runs: new SessionRuns() };
    const before = traced('2026-11-27T07:00:00.000Z', program, ['race.py:3'], []);
    assert.deepEqual(resolveSource(place(before, 'race.py', 3), fresh), { ok: true, file: program, line: 3 });
    assert.deepEqual(resolveSource(place(before, 'pkg/mod.py', 3), fresh), { ok: true, file: join(root, 'work', 'pkg', 'mod.py'), line: 3 });
    refused(resolveSource(place(before, outside, 1), fresh), /outside the workspace and the shipped programs/);
    refused(resolveSource(place(before, '../elsewhere/secret.py', 1), fresh), /outside the workspace/);
    refused(resolveSource(place(before, 'link.py', 1), fresh), /outside the workspace/);
    refused(resolveSource(place(restored, 'secret.py', 1), fresh), /outside the workspace/);
    refused(resolveSource({ ...place(before, 'race.py'), program: join(root, 'gone.py') }, fresh), /is gone/);
  });

  it('a run not of this session gets the reload rule; one of this session named by a wrong scenario too', () => {
    refused(ask('secret.py', 1, restored), /outside the workspace/);
    refused(resolveSource({ ...place(trace, outside, 1), scenario: 'race' }, ctx), /outside the workspace/);
  });

  it('opens the shipped program for a demo run from before a reload', () => {
    const demo: Trace = { ...traced('2026-11-27T10:00:00.000Z', program, ['race.py:7'], []), scenario: 'race', program: undefined };
    assert.deepEqual(ask('race.py', 7, demo), { ok: true, file: realpathSync(shippedProgram(extensionRoot, 'race', 'python')), line: 7 });
  });

  it('checks the message: bounded strings, a known runtime, a positive whole line', () => {
    const good = { type: 'open-source', startedAt: trace.startedAt, scenario: 'program', runtime: 'python', program, file: 'race.py', line: 18 };
    assert.deepEqual(parseFromWebview(good), { ok: true, value: good });
    const { program: _, ...demo } = good;
    assert.deepEqual(parseFromWebview(demo), { ok: true, value: demo });
    for (const bad of [
      { ...good, runtime: 'ruby' },
      { ...good, runtime: undefined },
      { ...good, program: '' },
      { ...good, program: 7 },
      { ...good, program: 'a\0b' },
      { ...good, line: 0 },
      { ...good, line: 1.5 },
      { ...good, line: '18' },
      { ...good, file: '' },
      { ...good, file: 'a'.repeat(5000) },
      { ...good, file: 'race.py\0.txt' },
      { ...good, startedAt: 7 },
      { ...good, scenario: '' },
      { ...good, startedAt: 'x'.repeat(100) },
    ]) {
      assert.equal(parseFromWebview(bad).ok, false, JSON.stringify(bad).slice(0, 120));
    }
  });
});
