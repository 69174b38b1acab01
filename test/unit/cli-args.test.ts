import { strict as assert } from 'node:assert';
import { CliArgError, parseCliArgs } from '../../src/engine/cliArgs';
import { renderVariantTable } from '../../src/engine/cliTable';
import { fitName, laneCells, renderTimeline } from '../../src/engine/cliTimeline';
import type { Trace } from '../../src/shared/trace';

const err = (argv: string[]): string => {
  try {
    parseCliArgs(argv);
  } catch (e) {
    assert.ok(e instanceof CliArgError);
    return e.message;
  }
  assert.fail(`${argv.join(' ')} should be refused`);
};

describe('cli arguments', () => {
  it('parses a full run command, in both flag spellings', () => {
    const cmd = parseCliArgs(['run', 'race', '--runtime=node', '--threads', '4', '--tasks=50', '--scale', '0.5', '--no-lock', '--pools', '1,2', '--timeout', '2.5', '--json', '--trace', 'out.json']);
    assert.deepEqual(cmd, {
      cmd: 'run', scenario: 'race', runtime: 'node', params: { threads: 4, tasks: 50, scale: 0.5, lock: 'off', pools: [1, 2] },
      timeoutMs: 2500, json: true, traceFile: 'out.json', timeline: false,
    });
    assert.deepEqual(parseCliArgs(['run', 'race', '--lock']).cmd === 'run' && (parseCliArgs(['run', 'race', '--lock']) as { params: object }).params, { lock: 'on' });
    assert.deepEqual((parseCliArgs(['run', 'race', '--lock', 'both']) as { params: object }).params, { lock: 'both' });
  });

  it('parses trace: our flags before the file or "--", the program’s own arguments untouched after', () => {
    assert.deepEqual(parseCliArgs(['trace', '--timeout', '5', 'app.py', '--json', '--', '--verbose', '-n', '3', '--']), {
      cmd: 'trace', file: 'app.py', args: ['--verbose', '-n', '3', '--'], timeoutMs: 5000, json: true, timeline: false,
    });
    assert.deepEqual(parseCliArgs(['trace', 'sub/x.mjs', 'input.txt', '--runtime=node']), {
      cmd: 'trace', file: 'sub/x.mjs', args: ['input.txt'], runtime: 'node', json: false, timeline: false,
    });
    assert.deepEqual(parseCliArgs(['trace', 'a.py', '--', '--help']), { cmd: 'trace', file: 'a.py', args: ['--help'], json: false, timeline: false });
    assert.match(err(['trace', 'app.py', '--verbose']), /unknown flag "--verbose" \(the program's own arguments go after "--"/);
    assert.match(err(['trace']), /trace needs a program file/);
    assert.match(err(['trace', 'a.py', '--timeout', '3000000']), /--timeout must be more than 0 and at most 2147483 seconds/);
    assert.match(err(['trace', 'a.py', '--timeout', '1e400']), /--timeout must be/);
  });

  it('names the bad flag or value', () => {
    assert.match(err(['run', 'gil', '--threads', 'many']), /--threads expects a number, got "many"/);
    assert.match(err(['run', 'gil', '--runtime', 'ruby']), /--runtime must be node or python, got "ruby"/);
    assert.match(err(['run', 'gil', '--frobnicate']), /unknown flag "--frobnicate"/);
    assert.match(err(['run', 'gil', '--trace']), /--trace needs a value/);
    assert.match(err(['run']), /run needs a scenario/);
    assert.match(err(['launch']), /unknown command "launch"/);
    assert.match(err(['run', 'gil', '--timeout', '0']), /--timeout must be more than 0/);
  });

  it('refuses a value given to a switch or a bad --lock value, and keeps a value that starts with one dash', () => {
    assert.match(err(['run', 'gil', '--json=x']), /--json takes no value, got "x"/);
    assert.match(err(['trace', 'a.py', '--timeline=1']), /--timeline takes no value/);
    assert.match(err(['list', '--json=x']), /--json takes no value/);
    assert.match(err(['run', 'race', '--lock=maybe']), /--lock must be both, on or off, got "maybe"/);
    assert.deepEqual((parseCliArgs(['run', 'race', '--lock=off']) as { params: object }).params, { lock: 'off' });
    assert.match(err(['run', 'race', '--lock', 'maybe']), /unexpected argument "maybe"/);
    assert.deepEqual((parseCliArgs(['run', 'gil', '--threads', '-1']) as { params: object }).params, { threads: -1 }, 'left to the range check, which names it');
    assert.match(err(['run', 'gil', '--python', '--json']), /--python needs a value/);
    assert.match(err(['run', 'gil', '-xyz']), /unknown flag "-xyz"/);
    assert.match(err(['trace', 'a.py', '-vx']), /unknown flag "-vx" \(the program's own arguments go after "--"/);
    assert.match(err(['list', '--runtime', 'node']), /list takes no argument "--runtime"/);
  });
});

describe('cli table and timeline', () => {
  const trace: Trace = {
    schema: 2, scenario: 'race', runtime: 'python', params: {}, env: { platform: 'linux', cpus: 2, node: 'v20', python: '3.11.7', stateMethod: 'schedstat' },
    startedAt: '', variants: [
      { id: 'no-lock', title: 'Without a lock', wallUs: 100_000, cpuUs: 5000, lanes: [{ id: 0, name: 'T1', kind: 'thread', daemon: true }],
        spans: [{ lane: 0, state: 'running', start: 0, end: 50_000 }, { lane: 0, state: 'lock-wait', start: 50_000, end: 100_000 }],
        marks: [{ lane: 0, at: 100_000, kind: 'killed' }], outcome: { expected: 100, actual: 37, ok: false } },
      { id: 'lock', title: 'With a lock', wallUs: 200_000, lanes: [], spans: [], marks: [], outcome: { expected: 100, actual: 100, ok: true } },
    ],
  };

  it('tabulates wall, CPU, speedup against the first variant and the outcome', () => {
    const table = renderVariantTable(trace);
    assert.match(table, /Without a lock\s+100\.0\s+5\.0\s+1\.00×\s+expected 100, actual 37, WRONG/);
    assert.match(table, /With a lock\s+200\.0\s+–\s+0\.50×\s+expected 100, actual 100, ok/);
  });

  it('draws one character per slice with the dominant state, a killed mark and a legend', () => {
    assert.deepEqual(laneCells(trace.variants[0], 0, 4, 200_000), ['running', 'lock-wait', undefined, undefined]);
    const text = renderTimeline(trace, { width: 60 });
    assert.match(text, /T1\* +█+▓+✕/);
    assert.match(text, /legend: .*running.*killed/);
    assert.ok(!text.includes('\u001b['), 'no colour codes unless asked');
    assert.ok(renderTimeline(trace, { width: 60, colour: true }).includes('\u001b[32m█'));
    assert.equal(fitName('ThreadPoolExecutor-0_12', 10), '…utor-0_12', 'keeps the distinguishing end');
    assert.equal(fitName('Main', 6), 'Main  ');
  });
});
