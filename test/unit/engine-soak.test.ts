/**
 * The soak in its short form (the long one is `node bench/index.mjs soak`): 50 runs in a row through
 * one engine host — every scenario on Node, Python's race and download when python3 >= 3.8 is there,
 * cancels and short timeouts mixed in. Nothing of any run may survive it, the host's open file
 * descriptors must come back to where they were, and its memory stays within a generous bound
 * (reported, not tuned: the collector's heap is free to grow lazily).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { runSoak } from '../fixtures/engine/soak.mjs';

const root = findPackageRoot(__dirname)!;
const hostJs = path.join(root, 'dist', 'engineHost.js');
const RUNS = 50;
const MB = 1024 * 1024;

describe('engine soak (50 runs through one engine host)', function () {
  this.timeout(240_000);

  before(function () {
    if (process.platform !== 'linux' || !fs.existsSync(hostJs)) this.skip(); // counts processes and fds in /proc
  });

  it('leaves no process, no file descriptor and no runaway memory behind', async () => {
    const r = await runSoak({ hostJs, extensionRoot: root, runs: RUNS });
    const mb = (b: number): string => `${(b / MB).toFixed(1)} MB`;
    console.log(`      ${r.runs} runs${r.python ? ' (Node + Python)' : ' (Node only)'} in ${r.seconds.toFixed(0)} s: ${JSON.stringify(r.outcomes)}`);
    console.log(`      host fds ${r.cold.fds} cold, ${r.before.fds} before → ${r.after.fds} after; RSS ${mb(r.cold.rss)} cold, ${mb(r.before.rss)} before → ${mb(r.after.rss)} after (${r.rssTrail.map((b) => (b / MB).toFixed(0)).join(' / ')} MB along the way); run processes left ${r.after.processes}`);
    assert.deepEqual(r.unexpected, [], r.hostErr);
    assert.equal(r.after.processes, 0, 'no process of any run is left');
    assert.ok(r.after.fds <= r.before.fds + 3, `host fds ${r.before.fds} → ${r.after.fds}`);
    assert.ok(r.after.rss < 2 * r.before.rss + 50 * MB, `host RSS ${mb(r.before.rss)} → ${mb(r.after.rss)}`);
  });
});
