import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import omggif from 'omggif';
import fc from 'fast-check';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The playground in headless Chromium, against the built page (`npm test` runs `npm run build:web`
 * first) served by Vite's preview server with the cross-origin isolation headers.
 */
const CONFIG = fileURLToPath(new URL('../web/vite.config.ts', import.meta.url));

let server: PreviewServer;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  server = await preview({ configFile: CONFIG, preview: { port: 0, strictPort: false }, logLevel: 'silent' });
  origin = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
  browser = await chromium.launch({
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
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ acceptDownloads: true });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/${query}`);
  await page.waitForSelector('body[data-ready=true]');
  return { page, errors };
}

const text = (page: Page, id: string) => page.getByTestId(id).textContent();

describe('the playground', () => {
  it("loads the title figure without console errors, with the library's numbers", async () => {
    const { page, errors } = await open();
    expect(await text(page, 'output-shape')).toBe('(2, 3, 3)');
    expect(await text(page, 'param-count')).toMatch(/^56 /);
    expect(await text(page, 'pytorch')).toContain('nn.Conv2d(3, 2, kernel_size=3, stride=2, padding=1, dilation=2)');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("follows the controls, and shows a refused configuration in the library's words", async () => {
    const { page, errors } = await open();
    await page.getByTestId('out-channels').fill('4');
    expect(await text(page, 'output-shape')).toBe('(4, 3, 3)');
    expect(await text(page, 'param-count')).toMatch(/^112 /);
    await page.getByTestId('groups').fill('2');
    expect(await page.getByTestId('error').isVisible()).toBe(true);
    expect(await text(page, 'error')).toBe(
      'Invalid groups = 2: in_channels must be divisible by groups (in_channels = 3)',
    );
    await page.getByTestId('in-channels').fill('4');
    expect(await page.getByTestId('error').isVisible()).toBe(false);
    expect(await text(page, 'param-count')).toMatch(/^76 /); // 4·(4/2)·3·3 + 4
    expect(errors).toEqual([]);
    await page.close();
  });

  it('bounds come from validity, and say why', async () => {
    const { page } = await open();
    // 7×7 input, padding 1, dilation 2: a kernel of at most floor((9 − 1) / 2) + 1 = 5 fits.
    expect(await page.getByTestId('kernel-h').getAttribute('max')).toBe('5');
    expect(await page.getByTestId('kernel-h').getAttribute('title')).toBe(
      'at most 5: dilation·(kernel−1)+1 must fit the padded input',
    );
    await page.getByTestId('padding-mode').selectOption('reflect');
    expect(await page.getByTestId('padding-w').getAttribute('max')).toBe('6');
    await page.close();
  });

  it('exports a GIF of the animation that decodes to one frame per step', async () => {
    const { page } = await open();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-gif').click()]);
    const bytes = new Uint8Array(readFileSync((await download.path())!));
    const reader = new omggif.GifReader(bytes);
    expect(reader.numFrames()).toBe(18);
    expect(reader.loopCount()).toBe(0);
    expect(await text(page, 'export-status')).toMatch(/^GIF: 18 frames/);
    await page.close();
  });

  it('a long GIF export keeps the page responsive, shows progress, and can be cancelled (issue 14: the tab froze > 30 s)', async () => {
    const { page, errors } = await open(
      '?in-channels=3&height=20&width=20&out-channels=2&kernel-h=3&kernel-w=3&stride-h=1&stride-w=1&padding-h=0&padding-w=0&dilation-h=1&dilation-w=1',
    );
    await page.getByTestId('export-gif').click();
    await page.waitForFunction(() =>
      /frame \d+ of 648/.test(document.querySelector('[data-testid=export-status]')!.textContent ?? ''),
    );
    // The page answers while the GIF is made: a round trip through its event loop is quick.
    const started = Date.now();
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await text(page, 'export-gif')).toBe('cancel GIF');
    await page.getByTestId('export-gif').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=export-status]')!.textContent === 'the GIF was cancelled',
    );
    expect(await text(page, 'export-gif')).toBe('GIF');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('restores the whole state from the URL', async () => {
    const { page } = await open();
    await page.getByTestId('kernel-h').fill('5');
    await page.getByTestId('padding-mode').selectOption('reflect');
    await page.getByTestId('bias').uncheck();
    const url = page.url();
    await page.close();
    const { page: restored } = await open(url.slice(url.indexOf('?')));
    expect(await restored.getByTestId('kernel-h').inputValue()).toBe('5');
    expect(await restored.getByTestId('padding-mode').inputValue()).toBe('reflect');
    expect(await restored.getByTestId('bias').isChecked()).toBe(false);
    expect(await text(restored, 'pytorch')).toContain(
      "nn.Conv2d(3, 2, kernel_size=(5, 3), stride=2, padding=1, dilation=2, bias=False, padding_mode='reflect')",
    );
    await restored.close();
  });

  it('a hand-edited link never hangs the page: values a control cannot hold are listed, bad layers refused in the library words (issue 14)', async () => {
    // Huge batches: one image is drawn, so the page is ready at once.
    for (const batch of ['10000000', '1000000000']) {
      const { page, errors } = await open(`?batch=${batch}`);
      expect(await page.getByTestId('batch').inputValue()).toBe(batch);
      expect(await page.getByTestId('error').isHidden()).toBe(true);
      expect(await text(page, 'output-shape')).toBe(`(${batch}, 2, 3, 3)`);
      expect(errors).toEqual([]);
      await page.close();
    }
    // A speed the page does not offer, words, 20 digits: not used, and said so.
    const { page, errors } = await open('?speed=0&mode=fancy&in-channels=abc&height=99999999999999999999&step=-3');
    expect(await text(page, 'url-error')).toBe(
      "This link's values were not used: in-channels=abc (an integer from 1, at most 10 digits); height=99999999999999999999 (an integer from 1, at most 10 digits); mode=fancy (one of structure, values); speed=0 (one of 1000, 300, 150); step=-3 (an integer from 0)",
    );
    expect(await page.getByTestId('speed').inputValue()).toBe('300');
    expect(await text(page, 'output-shape')).toBe('(2, 3, 3)');
    expect(errors).toEqual([]);
    await page.close();
    // A value the control holds but the library refuses: its words, and the page stays ready.
    const { page: refused } = await open('?in-channels=4000000000');
    expect(await text(refused, 'error')).toMatch(/in_channels|inputShape|cells/);
    await refused.close();
  });

  it('fuzz (issue 14): random hostile links all load, ready, with no uncaught error', async () => {
    const params = [
      'batch',
      'in-channels',
      'height',
      'width',
      'out-channels',
      'kernel-h',
      'kernel-w',
      'stride-h',
      'padding-kind',
      'padding-h',
      'dilation-w',
      'groups',
      'padding-mode',
      'bias',
      'mode',
      'lang',
      'speed',
      'step',
    ];
    const value = fc.oneof(
      fc.integer({ min: 0, max: 40 }).map(String),
      fc.constantFrom(
        '0',
        '-1',
        '1e9',
        '4294967296',
        '99999999999',
        'NaN',
        '',
        'same',
        'reflect',
        'values',
        'zh-CN',
        '%00',
        '<b>',
      ),
    );
    const links = fc.sample(fc.dictionary(fc.constantFrom(...params), value, { maxKeys: 6 }), {
      numRuns: Number(process.env.FUZZ_RUNS ?? 8),
      seed: 14,
    });
    for (const link of links) {
      const { page, errors } = await open(`?${new URLSearchParams(link)}`);
      const shown = (await page.getByTestId('output-shape').textContent()) ?? '';
      const refused = !(await page.getByTestId('error').isHidden());
      expect(shown !== '' || refused, JSON.stringify(link)).toBe(true);
      expect(errors, JSON.stringify(link)).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it('filters the sample picture with Sobel x exactly as the engine does in Node', async () => {
    const { page, errors } = await open();
    await page.getByTestId('kernel-preset').selectOption('Sobel x');
    const { width, height, pixels } = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=picture-out]')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      return { width: canvas.width, height: canvas.height, pixels: Array.from(data) };
    });
    const { Canvas, loadImage } = await import('@napi-rs/canvas');
    const { filterRgba, KERNEL_PRESETS } = await import('../src/index.js');
    const image = await loadImage(readFileSync(fileURLToPath(new URL('../web/public/sample.png', import.meta.url))));
    const canvas = new Canvas(image.width, image.height);
    canvas.getContext('2d').drawImage(image, 0, 0);
    const sobel = KERNEL_PRESETS.find((p) => p.name === 'Sobel x')!;
    const expected = filterRgba(
      canvas.getContext('2d').getImageData(0, 0, image.width, image.height).data,
      image.width,
      image.height,
      sobel.weights,
      sobel.post,
    );
    expect([width, height]).toEqual([image.width, image.height]);
    let worst = 0;
    for (const i of [
      0,
      4 * 1000 + 1,
      4 * 20000,
      4 * 33000 + 2,
      4 * (width * height - 1),
      ...Array.from({ length: 200 }, (_, k) => 4 * ((k * 7919) % (width * height))),
    ]) {
      worst = Math.max(worst, Math.abs(pixels[i]! - expected[i]!));
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(await text(page, 'filter-timing')).toMatch(/^256×256, 3 channels: [\d.]+ ms/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hovering an output cell lights its receptive field and kernel', async () => {
    const { page, errors } = await open('?step=0');
    await page.getByTestId('canvas').scrollIntoViewIfNeeded();
    const point = await page.evaluate(() => {
      const { animation } = (
        window as unknown as {
          convlab: { animation: { cellRect(t: object): { x: number; y: number; w: number; h: number } } };
        }
      ).convlab;
      const r = animation.cellRect({ kind: 'output', channel: 1, oy: 1, ox: 2 });
      const canvas = document.querySelector('canvas')!;
      const box = canvas.getBoundingClientRect();
      return {
        x: box.left + ((r.x + r.w / 2) * box.width) / canvas.width,
        y: box.top + ((r.y + r.h / 2) * box.height) / canvas.height,
      };
    });
    await page.mouse.move(point.x, point.y);
    expect(await text(page, 'hover')).toBe('output [1, 1, 2] reads 27 input cells through 27 weights');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hover reads the dependency map: an input cell lights every output it feeds, on a layer large enough to need smaller cells', async () => {
    const { page, errors } = await open(
      '?in-channels=32&height=48&width=48&out-channels=32&kernel-h=3&kernel-w=3&stride-h=1&stride-w=1&padding-h=1&padding-w=1&dilation-h=1&dilation-w=1&step=0',
    );
    const result = await page.evaluate(() => {
      const { animation } = (
        window as unknown as { convlab: { animation: { map: unknown; linked(t: object): { outputs: unknown[] } } } }
      ).convlab;
      const started = performance.now();
      const l = animation.linked({ kind: 'input', channel: 5, py: 10, px: 10 });
      return { hasMap: animation.map !== undefined, outputs: l.outputs.length, ms: performance.now() - started };
    });
    expect(result.hasMap).toBe(true);
    expect(result.outputs).toBe(32 * 9); // 9 output positions read the cell, in each of the 32 output channels
    expect(errors).toEqual([]);
    await page.close();
  });

  it('switches between forward, transposed and backward, one channel in and out, state in the URL', async () => {
    const { page, errors } = await open();
    const picture = () =>
      page.evaluate(() => {
        const a = (window as unknown as { convlab: { animation: { title: string; steps: number } } }).convlab.animation;
        return { title: a.title, steps: a.steps };
      });
    await page.getByTestId('operation').selectOption('transposed');
    expect(await page.getByTestId('in-channels').inputValue()).toBe('1');
    expect(await page.getByTestId('output-padding-h').isVisible()).toBe(true);
    await page.getByTestId('output-padding-h').fill('1');
    await page.getByTestId('output-padding-w').fill('1');
    // (7 − 1)·2 − 2·1 + 2·(3 − 1) + 1 + 1 = 16 a side: one step per output cell.
    expect(await text(page, 'output-shape')).toBe('(1, 16, 16)');
    expect(await text(page, 'pytorch')).toContain(
      'nn.ConvTranspose2d(1, 1, kernel_size=3, stride=2, padding=1, output_padding=1, dilation=2)',
    );
    expect(await picture()).toEqual({
      title: 'Transposed convolution · stride (2, 2) · padding (1, 1) · output padding (1, 1) · dilation (2, 2)',
      steps: 256,
    });
    expect(await page.getByTestId('error').isHidden()).toBe(true);
    expect(page.url()).toContain('operation=transposed');
    // A value the transposed convolution refuses, in PyTorch's words.
    await page.getByTestId('output-padding-h').fill('2');
    expect(await text(page, 'error')).toMatch(/output padding must be smaller than either stride or dilation/);
    await page.getByTestId('output-padding-h').fill('1');
    const url = page.url();
    await page.close();
    const { page: restored } = await open(url.slice(url.indexOf('?')));
    expect(await restored.getByTestId('operation').inputValue()).toBe('transposed');
    expect(await restored.getByTestId('output-padding-w').inputValue()).toBe('1');
    expect(await text(restored, 'output-shape')).toBe('(1, 16, 16)');
    await restored.getByTestId('operation').selectOption('backward');
    expect(await restored.getByTestId('output-padding-h').isVisible()).toBe(false);
    // The forward layer's 3 × 3 output: 49 input cells (∂L/∂x), then 9 output cells (∂L/∂w).
    expect(
      await restored.evaluate(
        () => (window as unknown as { convlab: { animation: { steps: number } } }).convlab.animation.steps,
      ),
    ).toBe(58);
    expect(await text(restored, 'pytorch')).toContain('# backward: x.grad (1, 7, 7), conv.weight.grad (1, 1, 3, 3)');
    expect(restored.url()).toContain('operation=backward');
    await restored.getByTestId('in-channels').fill('3');
    expect(await text(restored, 'error')).toMatch(/one input and one output channel/);
    expect(errors).toEqual([]);
    await restored.close();
  });

  it('the network panel: a preset layer by layer; click the picture and the receptive field lights; state in the URL', async () => {
    const { page, errors } = await open();
    await page.getByTestId('net-preset').selectOption('vgg16');
    expect(await text(page, 'net-status')).toContain('138,357,544 parameters');
    expect(await page.locator('#net-table tbody tr').count()).toBe(40);
    expect(await page.locator('#net-table tr.selected').getAttribute('data-layer')).toBe('features.30');
    expect(await page.locator('#net-chart .net-bar').count()).toBe(16); // 13 convolutions, 3 linear layers
    // The centre of the 224 × 224 input: cell (3, 3) of the last feature map, rows 3·32 − 90 … + 211.
    const canvas = page.getByTestId('net-picture');
    const box = (await canvas.boundingBox())!;
    await canvas.click({ position: { x: box.width / 2, y: box.height / 2 } });
    expect(await text(page, 'net-field')).toContain(
      'cell (3, 3) of features.30: input rows 6 … 217, columns 6 … 217 (212 × 212',
    );
    expect(page.url()).toContain('net=vgg16');
    expect(page.url()).toContain('net-cell=3%2C3');
    // An earlier layer: choose its row, and the field of the cell there is its own.
    await page.locator('#net-table tr[data-layer="features.4"]').click();
    await canvas.click({ position: { x: box.width / 2, y: box.height / 2 } });
    expect(await text(page, 'net-field')).toMatch(/of features\.4: input rows \d+ … \d+, columns \d+ … \d+ \(6 × 6/);
    const url = page.url();
    // Open a convolution in the single-layer animation: its geometry on a readable slice.
    await page.getByTestId('net-open-2').click();
    expect(await page.getByTestId('kernel-h').inputValue()).toBe('3');
    expect(await page.getByTestId('in-channels').inputValue()).toBe('3');
    expect(await text(page, 'net-status')).toContain('features.2: its geometry shown on 3 → 2 channels of 9 × 9');
    await page.close();
    const { page: restored } = await open(url.slice(url.indexOf('?')));
    expect(await restored.getByTestId('net-preset').inputValue()).toBe('vgg16');
    expect(await text(restored, 'net-field')).toMatch(/of features\.4: .*\(6 × 6/);
    expect(errors).toEqual([]);
    await restored.close();
  });

  it('the network panel: layers added, removed and moved (kept in the URL), and your own .onnx model', async () => {
    const { page, errors } = await open('?net=resnet18');
    expect(await text(page, 'net-status')).toContain('11,689,512 parameters');
    const rows = () => page.locator('#net-table tbody tr').count();
    // Without conv1 the first residual add meets 3 channels and 64: refused in the library's words, naming the layer.
    await page.getByTestId('net-remove-0').click();
    expect(await text(page, 'net-status')).toBe(
      "Invalid layers[8].inputs = ['layer1.0.conv2.bn', 'maxpool']: add needs inputs of one shape, but 'layer1.0.conv2.bn' is [64, 112, 112] and 'maxpool' is [3, 112, 112] (layer 8, 'layer1.0.add')",
    );
    await page.getByTestId('net-preset').selectOption('vgg16');
    await page.locator('#net-table tr[data-layer="features.29"]').click();
    await page.getByTestId('net-add').fill('{"type": "avgPool2d", "kernelSize": 2, "name": "extra"}');
    await page.getByTestId('net-add-button').click();
    expect(await rows()).toBe(41);
    expect(await page.locator('#net-table tbody tr').nth(30).getAttribute('data-layer')).toBe('extra');
    expect(await text(page, 'net-status')).toContain('vgg16 (edited)');
    await page.getByTestId('net-up-30').click();
    expect(await page.locator('#net-table tbody tr').nth(29).getAttribute('data-layer')).toBe('extra');
    await page.getByTestId('net-remove-29').click();
    expect(await rows()).toBe(40);
    expect(page.url()).toContain('net-layers=');
    const url = page.url();
    await page.close();
    const { page: restored } = await open(url.slice(url.indexOf('?')));
    expect(await text(restored, 'net-status')).toContain('vgg16 (edited)');
    await restored
      .getByTestId('net-onnx')
      .setInputFiles(fileURLToPath(new URL('./fixtures/onnx/small-cnn.onnx', import.meta.url)));
    await restored.waitForFunction(() =>
      document.getElementById('net-status')!.textContent!.startsWith('small-cnn.onnx'),
    );
    expect(await text(restored, 'net-status')).toContain('small-cnn.onnx: 13 layers, 3,562 parameters');
    expect(await restored.locator('#net-table tbody tr').count()).toBe(13);
    expect(errors).toEqual([]);
    await restored.close();
  });

  it('switches the picture to Chinese, and keeps the language in the URL', async () => {
    const { page, errors } = await open();
    await page.getByTestId('lang').selectOption('zh-CN');
    expect(page.url()).toContain('lang=zh-CN');
    const caption = await page.evaluate(
      () => (window as unknown as { convlab: { animation: { caption: string } } }).convlab.animation.caption,
    );
    expect(caption).toMatch(/^输入形状：\(3, 7, 7\)/);
    expect(await page.evaluate(() => document.fonts.check('16px "Noto Sans SC convlab"', '输入'))).toBe(true);
    const url = page.url();
    await page.close();
    const { page: restored } = await open(url.slice(url.indexOf('?')));
    expect(await restored.getByTestId('lang').inputValue()).toBe('zh-CN');
    expect(errors).toEqual([]);
    await restored.close();
  });

  it('?embed=1 shows the picture alone, for an iframe', async () => {
    const { page, errors } = await open('?embed=1');
    expect(await page.getByTestId('canvas').isVisible()).toBe(true);
    for (const id of ['out-channels', 'output-shape', 'export-gif', 'measure'])
      expect(await page.getByTestId(id).isVisible(), id).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("<conv-animation> from the one-file build draws the layer its attributes describe, and shows a refusal in the library's words", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setContent(`<!doctype html><body>
      <conv-animation id="title" input="3,7,7" out-channels="2" kernel-size="3" padding="1" stride="2" dilation="2" step="4"></conv-animation>
      <conv-animation id="zh" input="2,7,7" out-channels="4" kernel-size="3" padding="2" stride="2" groups="2" lang="zh" mode="values"></conv-animation>
      <conv-animation id="bad" input="3,7,7" out-channels="2" kernel-size="3" groups="2"></conv-animation></body>`);
    await page.addScriptTag({
      path: fileURLToPath(new URL('../dist/embed/conv-animation.js', import.meta.url)),
      type: 'module',
    });
    await page.waitForFunction(() => customElements.get('conv-animation') !== undefined);
    const state = await page.evaluate(() =>
      ['title', 'zh', 'bad'].map((id) => {
        const element = document.getElementById(id)! as HTMLElement & {
          animation: { width: number; height: number; steps: number; caption: string } | null;
        };
        const canvas = element.shadowRoot!.querySelector('canvas')!;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let coloured = 0;
        for (let i = 0; i < pixels.length; i += 4)
          if (pixels[i] !== pixels[i + 1] || pixels[i + 1] !== pixels[i + 2]) coloured++;
        return {
          width: canvas.width,
          height: canvas.height,
          hidden: canvas.hidden,
          coloured,
          caption: element.animation?.caption ?? null,
          message: element.shadowRoot!.querySelector('p')!.textContent,
        };
      }),
    );
    const { createAnimation } = await import('../src/index.js');
    const title = createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 });
    expect([state[0]!.width, state[0]!.height]).toEqual([title.width, title.height]);
    expect(state[0]!.coloured).toBeGreaterThan(10_000); // drawn: the lit cells and lines
    expect(state[1]!.caption).toMatch(/^输入形状：\(2, 7, 7\)/);
    expect(state[2]!.hidden).toBe(true);
    expect(state[2]!.message).toBe(
      'conv-animation: Invalid groups = 2: in_channels must be divisible by groups (in_channels = 3)',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs a sweep for the current layer in a worker and charts it', async () => {
    const { page, errors } = await open();
    await page.getByTestId('sweep-vary').selectOption('kernel-size');
    await page.locator('#sweep-budget').selectOption('3000');
    await page.getByTestId('sweep').click();
    // The page stays responsive while the worker measures.
    await page.getByTestId('out-channels').fill('3');
    expect(await text(page, 'output-shape')).toBe('(3, 3, 3)');
    await page.waitForSelector('[data-testid=sweep-chart] svg', { timeout: 60_000 });
    const svg = await page.locator('[data-testid=sweep-chart]').innerHTML();
    for (const words of ['trainable parameters', 'forward time (ms)', 'GFLOP/s']) expect(svg).toContain(words);
    expect(await text(page, 'sweep-explain')).toMatch(/kernel-size 1 → 3: time ×[\d.]+, MACs ×/);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('times the forward pass on this browser', async () => {
    const { page } = await open();
    await page.getByTestId('measure').click();
    expect(await text(page, 'timing')).toMatch(/per forward pass \(median of 15, kernel reference, one thread\)/);
    // A layer big enough for threads: the engine's Web Workers run it (the page is cross-origin isolated).
    await page.getByTestId('in-channels').fill('16');
    await page.getByTestId('height').fill('40');
    await page.getByTestId('width').fill('40');
    await page.getByTestId('out-channels').fill('32');
    await page.getByTestId('measure').click();
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('[data-testid=timing]')!.dataset.done === 'true',
      undefined,
      { timeout: 60_000 },
    );
    expect(await text(page, 'timing')).toMatch(/with conv2dAsync on \d+ threads/);
    // This Chromium runs without a GPU: the page says so in the library's words.
    expect(await text(page, 'timing')).toMatch(/no GPU: no WebGPU adapter was found|on the GPU \(WebGPU/);
    await page.close();
  });
});
