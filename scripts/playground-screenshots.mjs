// Screenshots of the built playground (docs/screenshots/: the views, the filter, the network panel,
// the transposed convolution) and its timings: first load, and the title
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
  // The network panel: VGG-16, a cell of features.16 and the fields of the cells there layer by layer.
  const network = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await network.goto(`${origin}/?net=vgg16&net-layer=features.16&net-cell=13,13`);
  await network.waitForSelector('body[data-ready=true]');
  await network.locator('#network').screenshot({ path: 'docs/screenshots/playground-network.png' });
  await network.close();
  // The transposed convolution on the page.
  const transposed = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await transposed.goto(
    `${origin}/?operation=transposed&in-channels=1&out-channels=1&groups=1&height=3&width=3&stride-h=2&stride-w=2&padding-h=1&padding-w=1&output-padding-h=1&output-padding-w=1&dilation-h=1&dilation-w=1&step=14`,
  );
  await transposed.waitForSelector('body[data-ready=true]');
  await transposed.locator('#animation').screenshot({ path: 'docs/screenshots/playground-transposed.png' });
  await transposed.close();
} finally {
  await browser.close();
  await server.close();
}
