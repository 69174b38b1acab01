/**
 * The demo panel's HTML: a shell that loads the bundled script and stylesheet under a strict CSP.
 * It carries no data (the webview asks for it with `ready`), so nothing in a trace can break out
 * of a tag. Pure, so the CSP is unit-tested.
 */
import { randomBytes } from 'node:crypto';

export interface PanelHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `webview.asWebviewUri(...)` of dist/webview.js and dist/webview.css, as strings. */
  scriptUri: string;
  styleUri: string;
  /** The UI language, for `lang` (screen readers and CJK font choice). */
  language: string;
  title: string;
}

/** A fresh nonce per page load: 128 random bits, base64 without characters that need escaping. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64').replace(/[+/=]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const escapeAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function buildPanelHtml(input: PanelHtmlInput, nonce = makeNonce()): string {
  return `<!DOCTYPE html>
<html lang="${escapeAttr(input.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(input.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(input.styleUri)}">
<title>${escapeAttr(input.title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${escapeAttr(input.scriptUri)}"></script>
</body>
</html>`;
}
