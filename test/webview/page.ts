/**
 * A stand-in for the VS Code webview: a static page served from a temp dir on 127.0.0.1 with the
 * panel's real CSP, the built dist/webview.js + .css, theme variables per body class, and a stub
 * `acquireVsCodeApi` that records what the panel posts. Used by the tests and the benchmark.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

export type ThemeName = 'dark' | 'light' | 'high-contrast';

const THEME_CSS = `
body.vscode-dark { --vscode-foreground:#cccccc; --vscode-editor-foreground:#d4d4d4; --vscode-editor-background:#1e1e1e;
  --vscode-descriptionForeground:#9d9d9d; --vscode-errorForeground:#f48771; --vscode-focusBorder:#007fd4;
  --vscode-charts-green:#89d185; --vscode-charts-yellow:#cca700; --vscode-charts-red:#f14c4c; --vscode-charts-blue:#3794ff;
  --vscode-charts-purple:#b180d7; --vscode-charts-orange:#d18616; --vscode-charts-foreground:#cccccc;
  --vscode-button-background:#0e639c; --vscode-button-foreground:#ffffff; --vscode-input-background:#3c3c3c;
  --vscode-input-foreground:#cccccc; --vscode-font-family:sans-serif; --vscode-font-size:13px;
  --vscode-editorHoverWidget-background:#252526; --vscode-editorHoverWidget-border:#454545; }
body.vscode-light { --vscode-foreground:#616161; --vscode-editor-foreground:#3b3b3b; --vscode-editor-background:#ffffff;
  --vscode-descriptionForeground:#717171; --vscode-errorForeground:#a1260d; --vscode-focusBorder:#0090f1;
  --vscode-charts-green:#388a34; --vscode-charts-yellow:#bf8803; --vscode-charts-red:#e51400; --vscode-charts-blue:#1a85ff;
  --vscode-charts-purple:#652d90; --vscode-charts-orange:#d18616; --vscode-charts-foreground:#616161;
  --vscode-button-background:#007acc; --vscode-button-foreground:#ffffff; --vscode-input-background:#ffffff;
  --vscode-input-foreground:#616161; --vscode-font-family:sans-serif; --vscode-font-size:13px;
  --vscode-settings-dropdownBackground:#ffffff; --vscode-settings-dropdownForeground:#616161; --vscode-settings-dropdownBorder:#cecece;
  --vscode-settings-textInputBackground:#ffffff; --vscode-settings-textInputForeground:#616161; --vscode-settings-textInputBorder:#cecece;
  --vscode-button-secondaryBackground:#e5e5e5; --vscode-button-secondaryForeground:#3b3b3b; --vscode-button-border:transparent;
  --vscode-editorHoverWidget-background:#f3f3f3; --vscode-editorHoverWidget-border:#c8c8c8; }
body.vscode-high-contrast { --vscode-foreground:#ffffff; --vscode-editor-foreground:#ffffff; --vscode-editor-background:#000000;
  --vscode-descriptionForeground:#ffffff; --vscode-errorForeground:#f48771; --vscode-focusBorder:#f38518;
  --vscode-contrastBorder:#6fc3df; --vscode-charts-green:#89d185; --vscode-charts-yellow:#ffd700; --vscode-charts-red:#f14c4c;
  --vscode-charts-blue:#3794ff; --vscode-charts-purple:#b180d7; --vscode-charts-foreground:#ffffff;
  --vscode-button-background:#000000; --vscode-button-border:#6fc3df; --vscode-button-foreground:#ffffff;
  --vscode-input-background:#000000; --vscode-input-foreground:#ffffff; --vscode-font-family:sans-serif; --vscode-font-size:13px;
  --vscode-editorHoverWidget-background:#0c141f; --vscode-editorHoverWidget-border:#6fc3df; }
`;

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export interface PanelPage {
  page: Page;
  /** Messages the panel posted, in order. */
  posted(): Promise<Array<{ type: string } & Record<string, unknown>>>;
  /** Delivers a message as the extension would (window message event). */
  send(message: unknown): Promise<void>;
  /** Uncaught errors and console errors of the page so far. */
  errors(): string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  theme?: ThemeName;
  /** State returned by getState(), as if the webview had been reloaded. */
  state?: unknown;
  width?: number;
  height?: number;
  /** devicePixelRatio of the page (1 unless set). */
  scale?: number;
  /** Runs in the page before any of its scripts, with `initArg` (to simulate faults in browser APIs). */
  initScript?: (arg: unknown) => void;
  initArg?: unknown;
}

/** The folder holding dist/: found by walking up, since tests and the benchmark are bundled to different places. */
function repoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'dist', 'webview.js')) && dirname(dir) !== dir) dir = dirname(dir);
  if (!existsSync(join(dir, 'dist', 'webview.js'))) throw new Error('dist/webview.js not found: run node esbuild.mjs first');
  return dir;
}

export class PanelHarness {
  private browser: Browser | undefined;
  private server: Server | undefined;
  private dir = '';
  private origin = '';

  /** `bundle`: which of dist/'s webview bundles the page loads (the demo panel's, or the scheduler's). */
  constructor(private readonly bundle: 'webview' | 'schedulerView' = 'webview') {}

  async start(): Promise<void> {
    const root = repoRoot(__dirname);
    this.dir = mkdtempSync(join(tmpdir(), 'clab-webview-'));
    for (const f of [`${this.bundle}.js`, `${this.bundle}.css`]) copyFileSync(join(root, 'dist', f), join(this.dir, f));
    writeFileSync(join(this.dir, 'theme.css'), THEME_CSS);
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
      const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1).replace(/[^\w.-]/g, '');
      try {
        const body = name === 'index.html' ? this.html(url.searchParams) : readFileSync(join(this.dir, name));
        res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }

  /** The panel's HTML as the extension builds it: CSP with a nonce, bundled files only. */
  private html(params: URLSearchParams): string {
    const nonce = randomBytes(16).toString('base64');
    const theme = params.get('theme') ?? 'dark';
    const csp = `default-src 'none'; img-src ${this.origin} data:; style-src ${this.origin}; font-src ${this.origin}; script-src 'nonce-${nonce}'`;
    return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="${this.origin}/theme.css"><link rel="stylesheet" href="${this.origin}/${this.bundle}.css">
<script nonce="${nonce}">
window.__posted = []; window.__csp = []; window.__state = window.__state ?? null;
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => window.__state,
  setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
});
</script></head>
<body class="vscode-${theme}"><div id="app"></div><script nonce="${nonce}" src="${this.origin}/${this.bundle}.js"></script></body></html>`;
  }

  async open(options: OpenOptions = {}): Promise<PanelPage> {
    const context = await this.browser!.newContext({
      viewport: { width: options.width ?? 1100, height: options.height ?? 900 },
      deviceScaleFactor: options.scale ?? 1,
    });
    const page = await context.newPage();
    const query = new URLSearchParams({ theme: options.theme ?? 'dark' });
    // Set before any page script runs, as VS Code does when it reloads a webview with saved state.
    if (options.state !== undefined) await page.addInitScript((s) => ((window as unknown as { __state: unknown }).__state = s), options.state);
    if (options.initScript) await page.addInitScript(options.initScript, options.initArg);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${this.origin}/?${query}`);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    return {
      page,
      posted: () => page.evaluate(() => (window as unknown as { __posted: Array<{ type: string } & Record<string, unknown>> }).__posted),
      send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
      errors: () => errors,
      close: () => context.close(),
    };
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await new Promise((ok) => (this.server ? this.server.close(ok) : ok(undefined)));
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
