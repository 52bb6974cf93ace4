// Renders tools/icon/icon.svg to public/icon/{16,32,48,128}.png with Debian's Chromium driven by
// playwright-core (already a dev dependency). Run: node tools/icon/render-icons.mjs
// The PNGs are committed; run this again only when the SVG changes.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(here, '../../public/icon');
const svg = readFileSync(join(here, 'icon.svg'), 'utf8');
const SIZES = [16, 32, 48, 128];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 256, height: 256 }, deviceScaleFactor: 1 });
  for (const size of SIZES) {
    // The browser's own rasteriser scales the vector art, so small sizes are anti-aliased properly.
    await page.setContent(
      `<!doctype html><style>html,body{margin:0;background:transparent}` +
        `svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
    );
    const out = join(outDir, `${size}.png`);
    await page.screenshot({ path: out, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    console.log(`wrote ${out}`);
  }
} finally {
  await browser.close();
}
