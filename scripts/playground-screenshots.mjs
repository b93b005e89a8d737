// Screenshots of the built playground (docs/screenshots/) and its timings: first load, and the title
// figure's GIF export in the browser. Run after `npm run build:web`: node scripts/playground-screenshots.mjs
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const server = await preview({
  configFile: 'web/vite.config.ts',
  preview: { port: 0, strictPort: false },
  logLevel: 'silent',
});
const origin = server.resolvedUrls.local[0].replace(/\/$/, '');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  for (const [name, query, width] of [
    ['structure', '?step=4', 1400],
    ['values', '?step=4&mode=values', 1400],
    ['values-dark-phone', '?step=4&mode=values&theme=dark', 420],
  ]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const start = Date.now();
    await page.goto(`${origin}/${query}`);
    await page.waitForSelector('body[data-ready=true]');
    console.log(`${name}: first load ${Date.now() - start} ms (navigation to ready)`);
    await page.screenshot({ path: `docs/screenshots/playground-${name}.png`, fullPage: true });
    if (name === 'structure') {
      const redraws = [];
      for (const value of ['3', '4', '5', '2']) {
        await page.getByTestId('out-channels').fill(value);
        redraws.push(Number(await page.evaluate(() => document.body.dataset.lastUpdateMs)));
      }
      console.log(
        `parameter change → redraw: ${redraws.map((ms) => `${ms} ms`).join(', ')} (one animation frame is 16.7 ms)`,
      );
      await page.getByTestId('export-gif').click();
      console.log(`title figure GIF export: ${await page.getByTestId('export-status').textContent()}`);
    }
    await page.close();
  }
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${origin}/?step=4`);
  await page.waitForSelector('body[data-ready=true]');
  await page.getByTestId('kernel-preset').selectOption('Sobel x');
  await page.locator('#filter').screenshot({ path: 'docs/screenshots/playground-filter-sobel.png' });
  console.log(`filter: ${await page.getByTestId('filter-timing').textContent()}`);
  await page.close();
} finally {
  await browser.close();
  await server.close();
}
