// Renders media/icon.svg to the 128×128 media/icon.png the marketplace and the Extensions view
// show (they do not accept SVG icons). Uses Debian's Chromium, like the e2e tests:
//   node scripts/e2e/render-icon.mjs
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const svg = readFileSync('media/icon.svg', 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CLAB_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: 'media/icon.png', omitBackground: true });
  console.log('wrote media/icon.png');
} finally {
  await browser.close();
}
