/**
 * The race section's example: re-entering a plain Lock deadlocks, and the run that times out
 * explains itself (the thread waiting for the lock it holds); with an RLock the program finishes.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { traceProgram } from '../../src/engine/traceProgram';
import { findExample } from '../../src/shared/examples';
import { variantFigures } from '../../src/shared/figures';
import { ENGLISH, findings, formatFinding } from '../../src/shared/findings';

const root = findPackageRoot(__dirname)!;
const example = findExample('reentrant')!;
const program = path.join(root, 'media', 'programs', example.language, example.file);

describe('reentrant.py: Lock or RLock', function () {
  this.timeout(60_000);

  it('with a plain Lock: times out, and names the thread that waits for a lock it holds', async () => {
    const trace = await traceProgram(program, ['--lock', 'lock'], { extensionRoot: root, runtime: 'python', timeoutMs: 3000 });
    const v = trace.variants[0];
    assert.equal(v.exitCode, null, 'stopped by the engine');
    assert.equal(v.stuck?.deadlock?.length, 1, JSON.stringify(v.stuck));
    const self = v.stuck.deadlock[0];
    const thread = v.stuck.threads.find((t) => t.lane === self);
    assert.equal(thread?.heldBy, self, 'held by the thread that waits');
    assert.match(thread?.waitsFor ?? '', /^Lock \(reentrant\.py:\d+\)$/);
    assert.match(thread?.frames.at(-1)?.func ?? '', /^deposit$/);
    const said = findings(trace, variantFigures(trace)).map((f) => formatFinding(f, ENGLISH));
    assert.match(said[0], /deadlock — ThreadPoolExecutor-0_\d waits for Lock \(reentrant\.py:\d+\), which it holds itself/, 'said first');
  });

  it('with an RLock: every deposit goes through', async () => {
    const trace = await traceProgram(program, [], { extensionRoot: root, runtime: 'python' });
    const v = trace.variants[0];
    assert.equal(v.exitCode, 0);
    assert.match((v.output ?? []).map((o) => o.text).join(''), /Balance: 20 \(expected 20\)/);
    assert.equal(v.stuck, undefined);
  });
});
