/** What the chart benchmark needs from the test side, bundled by bench/render.mjs. */
export { PanelHarness } from '../test/webview/page';
export { largeTrace } from '../test/fixtures/traces/make';
