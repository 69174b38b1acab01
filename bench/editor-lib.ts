/**
 * The editor-level pieces the `editor` benchmark drives, bundled by bench/editor.mjs into
 * bench/out/editor-lib.cjs: the end-to-end suite's own code-server and workbench helpers, so the
 * benchmark starts the editor, installs the VSIX and runs commands exactly as the e2e tests do.
 */
export { startCodeServer } from '../scripts/e2e/codeServer';
export { launchBrowser, openWorkbench, pickRow, runCommand, waitForFrame } from '../scripts/e2e/workbench';
