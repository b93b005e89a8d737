// The convlab playground: controls → describeConv2d and the frame model → the shared Canvas 2D
// renderer; GIF/PNG export in the browser; the state lives in the URL.
// DejaVu Sans as web fonts (split by script, loaded as needed): the font the Node renderer registers.
import '@fontsource/dejavu-sans/400.css';
import '@fontsource/dejavu-sans/700.css';
import {
  CJK_FONT_FAMILY,
  KERNEL_PRESETS,
  MIN_LAST_FRAME_MS,
  checkGifBudget,
  filterRgba,
  type Animation,
  type CellTarget,
  ConvlabError,
  type Frame,
  type LayerOptions,
  type Linked,
  GifWriter,
  type VizOptions,
  conv2d,
  conv2dAsync,
  createAnimation,
  describeConv2d,
  drawFrame,
  paletteFrom,
  selectKernel,
  tensor,
} from '../src/entry-browser.js';
import { resolveConv2dCall } from '../src/core/call.js';
import {
  type SweepBase,
  type SweepResult,
  type SweepSpec,
  type SweepValue,
  describeBase,
} from '../src/analysis/sweep.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const CONTROL_IDS = [
  'batch',
  'in-channels',
  'height',
  'width',
  'out-channels',
  'kernel-h',
  'kernel-w',
  'stride-h',
  'stride-w',
  'padding-kind',
  'padding-h',
  'padding-w',
  'dilation-h',
  'dilation-w',
  'groups',
  'padding-mode',
  'bias',
  'mode',
  'theme',
  'lang',
  'speed',
] as const;

interface Configuration {
  inputShape: number[];
  layer: LayerOptions;
  viz: VizOptions;
}

/** The controls, read as the library's arguments (numbers are passed through for the library to judge). */
function readConfiguration(): Configuration {
  const num = (id: string) =>
    $<HTMLInputElement>(id).value.trim() === '' ? Number.NaN : Number($<HTMLInputElement>(id).value);
  const pair = (name: string): [number, number] => [num(`${name}-h`), num(`${name}-w`)];
  const kind = $<HTMLSelectElement>('padding-kind').value;
  const batch = num('batch');
  const inputShape =
    batch === 1
      ? [num('in-channels'), num('height'), num('width')]
      : [batch, num('in-channels'), num('height'), num('width')];
  return {
    inputShape,
    layer: {
      outChannels: num('out-channels'),
      kernelSize: pair('kernel'),
      stride: pair('stride'),
      padding: kind === 'numbers' ? pair('padding') : (kind as 'same' | 'valid'),
      dilation: pair('dilation'),
      groups: num('groups'),
      paddingMode: $<HTMLSelectElement>('padding-mode').value as LayerOptions['paddingMode'],
      bias: $<HTMLInputElement>('bias').checked,
    },
    viz: {
      mode: $<HTMLSelectElement>('mode').value as VizOptions['mode'],
      theme: $<HTMLSelectElement>('theme').value as VizOptions['theme'],
      lang: $<HTMLSelectElement>('lang').value as VizOptions['lang'],
    },
  };
}

/** `nn.Conv2d(3, 2, kernel_size=3, stride=2, padding=1, dilation=2)`, defaults left out. */
function pytorchCode(inChannels: number, layer: LayerOptions): string {
  const show = (v: unknown) =>
    Array.isArray(v)
      ? v[0] === v[1]
        ? String(v[0])
        : `(${v[0]}, ${v[1]})`
      : typeof v === 'string'
        ? `'${v}'`
        : String(v);
  const isDefault = (v: unknown, d: number) => (Array.isArray(v) ? v[0] === d && v[1] === d : v === d);
  const args = [String(inChannels), String(layer.outChannels), `kernel_size=${show(layer.kernelSize)}`];
  if (!isDefault(layer.stride, 1)) args.push(`stride=${show(layer.stride)}`);
  if (!isDefault(layer.padding, 0)) args.push(`padding=${show(layer.padding)}`);
  if (!isDefault(layer.dilation, 1)) args.push(`dilation=${show(layer.dilation)}`);
  if (layer.groups !== 1) args.push(`groups=${layer.groups}`);
  if (layer.bias === false) args.push('bias=False');
  if (layer.paddingMode && layer.paddingMode !== 'zeros') args.push(`padding_mode='${layer.paddingMode}'`);
  return `import torch.nn as nn\nconv = nn.Conv2d(${args.join(', ')})`;
}

// ---- state in the URL ------------------------------------------------------------------------

function restoreFromUrl(): void {
  const params = new URLSearchParams(location.search);
  for (const id of CONTROL_IDS) {
    const value = params.get(id);
    if (value === null) continue;
    const element = $<HTMLInputElement>(id);
    if (element.type === 'checkbox') element.checked = value === '1';
    else element.value = value;
  }
}

function saveToUrl(step: number): void {
  const params = new URLSearchParams();
  if (embedded) params.set('embed', '1');
  for (const id of CONTROL_IDS) {
    const element = $<HTMLInputElement>(id);
    params.set(id, element.type === 'checkbox' ? (element.checked ? '1' : '0') : element.value);
  }
  params.set('step', String(step));
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

// ---- the picture -----------------------------------------------------------------------------

const canvas = $<HTMLCanvasElement>('canvas');
const ctx = canvas.getContext('2d')!;
let animation: Animation | null = null;
let configuration: Configuration | null = null;
let step = 0;
let playing = true;
let timer: ReturnType<typeof setTimeout> | undefined;
let hovered: CellTarget | null = null;
/** The current step's frame, kept while only the hover changes (hover redraws reuse it). */
let frameCache: { animation: Animation; step: number; frame: Frame } | null = null;
/** `?embed=1`: the picture alone, for an iframe (a blog post, a slide). */
const embedded = new URLSearchParams(location.search).get('embed') === '1';

function currentFrame(): Frame {
  if (frameCache?.animation !== animation || frameCache.step !== step)
    frameCache = { animation: animation!, step, frame: animation!.frame(step) };
  return frameCache.frame;
}

/** The delay before the next step: the chosen speed, the last step held at least MIN_LAST_FRAME_MS (as in the GIFs). */
function delayAfter(s: number): number {
  const speed = Number($<HTMLSelectElement>('speed').value);
  return s === animation!.steps - 1 ? Math.max(speed, MIN_LAST_FRAME_MS) : speed;
}

function describeHover(target: CellTarget, l: Linked): string {
  if (target.kind === 'output')
    return `output [${target.channel}, ${target.oy}, ${target.ox}] reads ${l.inputs.length} input cells through ${l.weights.length} weights`;
  if (target.kind === 'input')
    return `input cell [${target.channel}, ${target.py}, ${target.px}] (padded) feeds ${l.outputs.length} output cells`;
  return `weight [${target.outputChannel}, ${target.groupChannel}, ${target.ky}, ${target.kx}] touches ${l.inputs.length} input cells`;
}

function draw(): void {
  if (!animation) return;
  const frame = currentFrame();
  if (canvas.width !== frame.width || canvas.height !== frame.height) {
    canvas.width = frame.width;
    canvas.height = frame.height;
  }
  // Hover linking reads the animation's dependency map once per hovered cell.
  const links = hovered ? animation.linked(hovered) : null;
  drawFrame(
    ctx as never,
    hovered ? { ...frame, shapes: [...frame.shapes, ...animation.overlay(hovered, links!)] } : frame,
  );
  $('hover').textContent = hovered ? describeHover(hovered, links!) : 'hover a cell to see what it is linked to';
  $<HTMLInputElement>('step').value = String(step);
  $<HTMLOutputElement>('step-label').textContent = `${step + 1} / ${animation.steps}`;
}

function schedule(): void {
  clearTimeout(timer);
  if (!playing || !animation) return;
  timer = setTimeout(() => {
    if (!animation) return;
    step = (step + 1) % animation.steps;
    draw();
    schedule();
  }, delayAfter(step));
}

/** The largest canvas side the page draws (browsers refuse canvases past 32,767 px a side). */
const MAX_PAGE_CANVAS_SIDE = 16_384;

/**
 * The animation at the default cell size, or — for a layer too large to draw that way — at the
 * largest smaller cell size that fits the page's canvas. Refusals other than size are the library's.
 */
function fitAnimation({ inputShape, layer, viz }: Configuration): Animation {
  let refusal: unknown = null;
  for (const cellSize of [undefined, 16, 12, 10, 8]) {
    try {
      const a = createAnimation(inputShape, layer, cellSize === undefined ? viz : { ...viz, cellSize });
      const { width, height } = a;
      if (width <= MAX_PAGE_CANVAS_SIDE && height <= MAX_PAGE_CANVAS_SIDE) return a;
    } catch (error) {
      if (!(error instanceof ConvlabError) || !/the picture would be/.test(error.rule)) throw error;
      refusal = error;
    }
  }
  throw (
    refusal ??
    new ConvlabError(
      'inputShape',
      inputShape,
      `the picture would be larger than ${MAX_PAGE_CANVAS_SIDE} px a side even with 8 px cells (use a smaller input or fewer channels)`,
    )
  );
}

function update(): void {
  const errorBox = $<HTMLParagraphElement>('error');
  const started = performance.now();
  try {
    const next = readConfiguration();
    const nextAnimation = fitAnimation(next);
    const d = describeConv2d(next.inputShape, next.layer);
    configuration = next;
    animation = nextAnimation;
    hovered = null;
    errorBox.hidden = true;
    errorBox.textContent = '';
    $('output-shape').textContent = `(${d.outputShape.join(', ')})`;
    $('param-count').textContent =
      `${d.parameterCount.toLocaleString('en-US')} (weight ${d.parameters.weight}, bias ${d.parameters.bias})`;
    $('macs').textContent = `${d.macs.toLocaleString('en-US')} (FLOPs ${d.flops.toLocaleString('en-US')})`;
    $('padding-applied').textContent =
      `top ${d.padding.top}, bottom ${d.padding.bottom}, left ${d.padding.left}, right ${d.padding.right} (${d.paddingMode})`;
    $('receptive-field').textContent =
      `${d.receptiveField.height} × ${d.receptiveField.width} cells × ${d.receptiveField.channels} channels (${d.receptiveField.taps} taps)`;
    $('formula').textContent = `${d.formula.height}\n${d.formula.width}`;
    $('pytorch').textContent = pytorchCode(d.inChannels, next.layer);
    setBounds(nextAnimation);
    const scrubber = $<HTMLInputElement>('step');
    scrubber.max = String(animation.steps - 1);
    step = Math.min(step, animation.steps - 1);
    draw();
    schedule();
    saveToUrl(step);
    document.body.dataset.lastUpdateMs = (performance.now() - started).toFixed(2);
  } catch (error) {
    if (!(error instanceof ConvlabError)) throw error;
    errorBox.hidden = false;
    errorBox.textContent = error.message; // the library's own words
  }
}

/**
 * Control bounds from validity: the largest kernel and dilation that still fit the padded input, and
 * the padding a copying mode allows. Each bound says why in its tooltip.
 */
function setBounds(a: Animation): void {
  const { info } = a;
  const bound = (id: string, max: number, why: string) => {
    const input = $<HTMLInputElement>(id);
    input.max = String(max);
    input.title = `at most ${max}: ${why}`;
  };
  const axes = [
    {
      axis: 'h',
      padded: info.paddedHeight,
      kernel: info.kernelHeight,
      dilation: info.dilationHeight,
      size: info.inHeight,
    },
    {
      axis: 'w',
      padded: info.paddedWidth,
      kernel: info.kernelWidth,
      dilation: info.dilationWidth,
      size: info.inWidth,
    },
  ];
  for (const { axis, padded, kernel, dilation, size } of axes) {
    bound(`kernel-${axis}`, Math.floor((padded - 1) / dilation) + 1, 'dilation·(kernel−1)+1 must fit the padded input');
    if (kernel > 1)
      bound(
        `dilation-${axis}`,
        Math.floor((padded - 1) / (kernel - 1)),
        'the dilated kernel must fit the padded input',
      );
    if (info.paddingMode === 'reflect')
      bound(`padding-${axis}`, size - 1, 'reflect padding must be smaller than the input');
    else if (info.paddingMode === 'circular')
      bound(`padding-${axis}`, size, 'circular padding can wrap around at most once');
    else $<HTMLInputElement>(`padding-${axis}`).removeAttribute('max');
  }
}

// ---- export ------------------------------------------------------------------------------------

function download(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function exportGif(): void {
  if (!animation) return;
  const started = performance.now();
  const first = animation.frame(0);
  const offscreen = document.createElement('canvas');
  offscreen.width = first.width;
  offscreen.height = first.height;
  const octx = offscreen.getContext('2d', { willReadFrequently: true })!;
  const pixelsOf = (s: number) => {
    drawFrame(octx as never, animation!.frame(s));
    return new Uint8Array(octx.getImageData(0, 0, first.width, first.height).data.buffer.slice(0));
  };
  try {
    checkGifBudget(animation.steps, first.width, first.height);
  } catch (error) {
    if (!(error instanceof ConvlabError)) throw error;
    $('export-status').textContent = error.rule;
    return;
  }
  const palette = paletteFrom([pixelsOf(0), pixelsOf(animation.steps - 1)]);
  const chunks: Uint8Array[] = [];
  const writer = new GifWriter(
    { width: first.width, height: first.height, frameMs: Number($<HTMLSelectElement>('speed').value) },
    palette,
    (c) => chunks.push(c),
  );
  for (let s = 0; s < animation.steps; s++) writer.add(pixelsOf(s), delayAfter(s));
  const frames = writer.finish();
  const blob = new Blob(chunks as BlobPart[], { type: 'image/gif' });
  $('export-status').textContent =
    `GIF: ${frames} frames, ${(blob.size / 1024).toFixed(0)} KiB in ${((performance.now() - started) / 1000).toFixed(2)} s`;
  download(blob, 'convlab.gif');
}

function exportPng(): void {
  canvas.toBlob((blob) => {
    if (blob) download(blob, `convlab-step${step}.png`);
  }, 'image/png');
}

// ---- measured -----------------------------------------------------------------------------------

/** Above this many MACs the page does not time on its own thread (it would freeze): use the CLI or a sweep. */
const MAX_MEASURED_MACS = 2e9;

function measure(): void {
  if (!configuration) return;
  $('timing').dataset.done = 'false';
  const d = describeConv2d(configuration.inputShape, configuration.layer);
  if (d.macs > MAX_MEASURED_MACS) {
    $('timing').textContent =
      `${d.macs.toExponential(1)} MACs is too much to time on the page's thread (limit ${MAX_MEASURED_MACS.toExponential(0)}): use npx convlab bench or sweep`;
    return;
  }
  const shape = configuration.inputShape.length === 3 ? [1, ...configuration.inputShape] : configuration.inputShape;
  const random = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  const x = tensor(random(shape.reduce((a, b) => a * b, 1)), shape);
  const [kh, kw] = Array.isArray(configuration.layer.kernelSize)
    ? configuration.layer.kernelSize
    : [configuration.layer.kernelSize, configuration.layer.kernelSize];
  const w = tensor(random(d.outChannels * (d.inChannels / d.groups) * kh * kw), [
    d.outChannels,
    d.inChannels / d.groups,
    kh,
    kw,
  ]);
  const b = d.bias ? tensor(random(d.outChannels), [d.outChannels]) : null;
  const { outChannels: _o, kernelSize: _k, bias: _b, ...options } = configuration.layer;
  const kernel = selectKernel(resolveConv2dCall(x, w, b, options), { wasm: true });
  const times: number[] = [];
  for (let i = 0; i < 3; i++) conv2d(x, w, b, options);
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    conv2d(x, w, b, options);
    times.push(performance.now() - t);
  }
  times.sort((p, q) => p - q);
  const ms = times[7]!;
  const show = (t: number) => (t < 0.1 ? `${(t * 1000).toFixed(1)} µs` : `${t.toFixed(2)} ms`);
  $('timing').textContent =
    `${show(ms)} per forward pass (median of 15, kernel ${kernel}, one thread) — ${(d.flops / ms / 1e6).toFixed(1)} GFLOP/s`;
  const medianOf = async (run: () => Promise<unknown>) => {
    for (let i = 0; i < 3; i++) await run();
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    return times.sort((p, q) => p - q)[7]!;
  };
  void (async () => {
    // With cross-origin isolation the engine can use its worker threads too.
    if (crossOriginIsolated) {
      const threads = navigator.hardwareConcurrency || 1;
      const ms = await medianOf(() => conv2dAsync(x, w, b, { ...options, threads }));
      $('timing').textContent += `; ${show(ms)} with conv2dAsync on ${threads} threads`;
    }
    // And the GPU, where the browser has one (end to end: upload, run, read back).
    if ('gpu' in navigator) {
      try {
        const ms = await medianOf(() => conv2dAsync(x, w, b, { ...options, backend: 'webgpu' }));
        $('timing').textContent += `; ${show(ms)} on the GPU (WebGPU, with upload and read-back)`;
      } catch (error) {
        if (!(error instanceof ConvlabError)) throw error;
        $('timing').textContent += `; no GPU: ${error.rule}`;
      }
    }
    $('timing').dataset.done = 'true';
  })();
}

// ---- sweeps, in a worker -------------------------------------------------------------------------

let sweepWorker: Worker | null = null;

function runSweepInWorker(): void {
  if (!configuration) return;
  sweepWorker?.terminate(); // a new sweep replaces a running one
  const worker = new Worker(new URL('./sweep-worker.ts', import.meta.url), { type: 'module' });
  sweepWorker = worker;
  const { inputShape, layer } = configuration;
  const [batch, inChannels, h, w] = (inputShape.length === 4 ? inputShape : [1, ...inputShape]) as [
    number,
    number,
    number,
    number,
  ];
  const base: SweepBase = {
    batch,
    inChannels,
    inputSize: [h, w],
    outChannels: layer.outChannels,
    kernelSize: layer.kernelSize,
    stride: layer.stride ?? 1,
    padding: layer.padding ?? 0,
    dilation: layer.dilation ?? 1,
    groups: 1,
    paddingMode: layer.paddingMode ?? 'zeros',
    bias: layer.bias !== false,
  };
  const varied = $<HTMLSelectElement>('sweep-vary').value;
  const values: Record<string, SweepValue[]> = {
    'kernel-size': [1, 3, 5],
    stride: [1, 2],
    dilation: [1, 2],
    'in-channels': [inChannels, 2 * inChannels],
  };
  const spec: SweepSpec = {
    id: 'playground',
    title: `${varied ? `one line per ${varied}, ` : ''}against out_channels — base layer: ${describeBase(base, ['out-channels', ...(varied ? [varied as SweepSpec['x']['argument']] : [])])}`,
    base,
    x: { argument: 'out-channels', values: [1, 2, 4, 8, 16, 32, 64] },
    ...(varied ? { vary: { argument: varied as SweepSpec['x']['argument'], values: values[varied]! } } : {}),
  };
  $('sweep-status').textContent = 'starting…';
  worker.addEventListener(
    'message',
    async (
      event: MessageEvent<{
        progress?: { done: number; total: number; remainingMs: number };
        result?: SweepResult;
        error?: string;
      }>,
    ) => {
      const { progress, result, error } = event.data;
      if (progress)
        $('sweep-status').textContent =
          `point ${progress.done}/${progress.total}, about ${Math.ceil(progress.remainingMs / 1000)} s left`;
      if (error) $('sweep-status').textContent = error;
      if (!result) return;
      worker.terminate();
      const [{ chartSpec }, { explain }, vega, vegaLite] = await Promise.all([
        import('../src/analysis/chart.js'),
        import('../src/analysis/explain.js'),
        import('vega'),
        import('vega-lite'),
      ]);
      const view = new vega.View(
        vega.parse(
          vegaLite.compile(chartSpec(result, configuration?.viz.lang === 'zh-CN' ? 'zh-CN' : 'en') as never).spec,
        ),
        { renderer: 'none' },
      );
      $('sweep-chart').innerHTML = await view.toSVG();
      view.finalize();
      $('sweep-explain').textContent = explain(result).join('\n');
      $('sweep-status').textContent =
        `${result.points.length} points in ${(result.meta.elapsedMs / 1000).toFixed(1)} s`;
    },
  );
  worker.postMessage({ spec, budgetMs: Number($<HTMLSelectElement>('sweep-budget').value) });
}

// ---- filter a picture ---------------------------------------------------------------------------

const pictureIn = $<HTMLCanvasElement>('picture-in');
const pictureOut = $<HTMLCanvasElement>('picture-out');
const MAX_PICTURE_SIDE = 1024;

function kernelWeights(): number[] {
  return [...document.querySelectorAll<HTMLInputElement>('#kernel-grid input')].map((input) => Number(input.value));
}

function setKernel(weights: readonly number[]): void {
  document.querySelectorAll<HTMLInputElement>('#kernel-grid input').forEach((input, i) => {
    input.value = String(Math.round(weights[i]! * 1000) / 1000);
  });
}

function applyFilter(): void {
  if (!pictureIn.width) return;
  const preset =
    KERNEL_PRESETS.find((p) => p.name === $<HTMLSelectElement>('kernel-preset').value) ?? KERNEL_PRESETS[0]!;
  const source = pictureIn
    .getContext('2d', { willReadFrequently: true })!
    .getImageData(0, 0, pictureIn.width, pictureIn.height);
  const started = performance.now();
  const filtered = filterRgba(source.data, source.width, source.height, kernelWeights(), preset.post);
  const ms = performance.now() - started;
  pictureOut.width = source.width;
  pictureOut.height = source.height;
  pictureOut.getContext('2d')!.putImageData(new ImageData(filtered, source.width, source.height), 0, 0);
  $('filter-timing').textContent =
    `${source.width}×${source.height}, 3 channels: ${ms.toFixed(1)} ms (depthwise 3×3, padding 'same', replicate)`;
}

async function loadPicture(source: Blob | string): Promise<void> {
  const image = new Image();
  image.src = typeof source === 'string' ? source : URL.createObjectURL(source);
  try {
    await image.decode();
  } catch {
    $('filter-timing').textContent = 'That file is not a picture this browser can read.';
    return;
  }
  const scale = Math.min(1, MAX_PICTURE_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
  pictureIn.width = Math.max(1, Math.round(image.naturalWidth * scale));
  pictureIn.height = Math.max(1, Math.round(image.naturalHeight * scale));
  pictureIn.getContext('2d', { willReadFrequently: true })!.drawImage(image, 0, 0, pictureIn.width, pictureIn.height);
  applyFilter();
}

function setUpFilter(): void {
  const select = $<HTMLSelectElement>('kernel-preset');
  for (const preset of KERNEL_PRESETS) select.add(new Option(preset.name, preset.name));
  const grid = $('kernel-grid');
  for (let i = 0; i < 9; i++) {
    const input = document.createElement('input');
    input.type = 'number';
    input.step = '0.1';
    input.setAttribute('aria-label', `kernel weight row ${Math.floor(i / 3) + 1} column ${(i % 3) + 1}`);
    input.dataset.testid = `kernel-weight-${i}`;
    grid.append(input);
  }
  setKernel(KERNEL_PRESETS[0]!.weights);
  select.addEventListener('change', () => {
    setKernel(KERNEL_PRESETS.find((p) => p.name === select.value)!.weights);
    applyFilter();
  });
  grid.addEventListener('input', applyFilter);
  $<HTMLInputElement>('picture').addEventListener('change', (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) void loadPicture(file);
  });
  pictureIn.addEventListener('dragover', (event) => {
    event.preventDefault();
    pictureIn.classList.add('dragging');
  });
  pictureIn.addEventListener('dragleave', () => pictureIn.classList.remove('dragging'));
  pictureIn.addEventListener('drop', (event) => {
    event.preventDefault();
    pictureIn.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file) void loadPicture(file);
  });
}

// ---- wiring -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  await Promise.all([
    document.fonts.load('16px "DejaVu Sans"', 'Input — ×−·'),
    document.fonts.load('bold 16px "DejaVu Sans"', 'Input — ×'),
    document.fonts.load(`16px "${CJK_FONT_FAMILY}"`, '输入'),
    document.fonts.load(`bold 16px "${CJK_FONT_FAMILY}"`, '输入'),
  ]);
  if (embedded) document.body.classList.add('embed');
  restoreFromUrl();
  const initialStep = Number(new URLSearchParams(location.search).get('step') ?? 0);
  step = Number.isInteger(initialStep) && initialStep >= 0 ? initialStep : 0;
  $('controls').addEventListener('input', update);
  $('controls').addEventListener('change', update);
  $('depthwise').addEventListener('click', () => {
    $<HTMLInputElement>('groups').value = $<HTMLInputElement>('in-channels').value;
    $<HTMLInputElement>('out-channels').value = $<HTMLInputElement>('in-channels').value;
    update();
  });
  $('play').addEventListener('click', () => {
    playing = !playing;
    $('play').textContent = playing ? 'pause' : 'play';
    schedule();
  });
  $('speed').addEventListener('change', () => {
    schedule();
    saveToUrl(step);
  });
  $('step').addEventListener('input', () => {
    step = Number($<HTMLInputElement>('step').value);
    playing = false;
    $('play').textContent = 'play';
    schedule();
    draw();
    saveToUrl(step);
  });
  canvas.addEventListener('mousemove', (event) => {
    if (!animation) return;
    const rect = canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) * canvas.width) / rect.width;
    const y = ((event.clientY - rect.top) * canvas.height) / rect.height;
    const target = animation.hitTest(x, y);
    if (JSON.stringify(target) !== JSON.stringify(hovered)) {
      hovered = target;
      draw();
    }
  });
  canvas.addEventListener('mouseleave', () => {
    hovered = null;
    draw();
  });
  canvas.addEventListener('click', () => {
    playing = !playing; // click to pin (or release) the current step
    $('play').textContent = playing ? 'pause' : 'play';
    schedule();
    saveToUrl(step);
  });
  $('export-gif').addEventListener('click', exportGif);
  $('export-png').addEventListener('click', exportPng);
  $('copy-link').addEventListener('click', () => {
    $('export-status').textContent = location.href;
  });
  $('measure').addEventListener('click', measure);
  $('sweep').addEventListener('click', runSweepInWorker);
  if (new URLSearchParams(location.search).has('step')) {
    playing = false;
    $('play').textContent = 'play';
  }
  setUpFilter();
  await loadPicture(new URL('./sample.png', location.href).href);
  update();
  document.body.dataset.ready = 'true';
  // For tests and the curious: the current animation (cell positions, links).
  (window as unknown as { convlab: unknown }).convlab = {
    get animation() {
      return animation;
    },
  };
}

void main();
