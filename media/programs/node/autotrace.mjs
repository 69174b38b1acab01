// @ts-check
/**
 * The automatic Node tracer's entry: preloaded with `--import` through NODE_OPTIONS by the engine, so
 * it runs in the program's main thread, in every worker_threads Worker and in every Node child
 * process. With `CLAB_TRACE` unset or empty it loads nothing more, so a plain run pays one
 * environment lookup. See docs/node-tracer.md.
 */
if (process.env.CLAB_TRACE) {
  try {
    const core = await import('./autotrace-core.mjs');
    await core.install(process.env.CLAB_TRACE);
  } catch (err) {
    // Tracing must never stop the program from running.
    process.stderr.write(`labtrace: not tracing (${/** @type {Error} */ (err)?.message ?? err})\n`);
  }
}
