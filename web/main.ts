// The convlab playground, a client of the library's public entries: controls → the library's
// description and frame model → the shared Canvas 2D renderer. This file only wires the parts:
// state.ts (controls ↔ URL), view.ts (the picture), numbers.ts (numbers and bounds), and the
// panels (export, measure, sweep, filter).
// DejaVu Sans as web fonts (split by script, loaded as needed): the font the Node renderer registers.
import '@fontsource/dejavu-sans/400.css';
import '@fontsource/dejavu-sans/700.css';
import { CJK_FONT_FAMILY, ConvlabError, type NetworkLayer } from '../src/entry-browser.js';
import { $ } from './dom.js';
import { setUpExport } from './export-panel.js';
import { FilterPanel } from './filter-panel.js';
import { NetworkPanel } from './network-panel.js';
import { setUpMeasure } from './measure-panel.js';
import { showBounds, showNumbers } from './numbers.js';
import { embedded, readConfiguration, restoreFromUrl, saveToUrl } from './state.js';
import { setUpSweep } from './sweep-panel.js';
import { View, fitAnimation } from './view.js';

const view = new View($<HTMLCanvasElement>('canvas'));

/** Reads the controls; shows the new picture and numbers, or the library's refusal in its own words. */
function update(): void {
  const errorBox = $<HTMLParagraphElement>('error');
  const started = performance.now();
  try {
    const configuration = readConfiguration();
    const animation = fitAnimation(configuration);
    showNumbers(configuration);
    showBounds(configuration);
    errorBox.hidden = true;
    errorBox.textContent = '';
    view.show(configuration, animation);
    saveToUrl(view.step);
    document.body.dataset.lastUpdateMs = (performance.now() - started).toFixed(2);
  } catch (error) {
    if (!(error instanceof ConvlabError)) throw error;
    errorBox.hidden = false;
    errorBox.textContent = error.message; // the library's own words
  }
}

/**
 * The transposed and backward pictures draw one channel in and one out: switching to them sets the
 * channels to 1 (and, for the transposed convolution, zero padding by numbers, the only kind it
 * takes); the output padding shows only for it. The library still judges every value.
 */
function switchOperation(): void {
  const operation = $<HTMLSelectElement>('operation').value;
  if (operation !== 'forward') {
    for (const id of ['in-channels', 'out-channels', 'groups']) $<HTMLInputElement>(id).value = '1';
  }
  if (operation === 'transposed') {
    $<HTMLSelectElement>('padding-kind').value = 'numbers';
    $<HTMLSelectElement>('padding-mode').value = 'zeros';
  }
  showOperationControls();
  update();
}

function showOperationControls(): void {
  const operation = $<HTMLSelectElement>('operation').value;
  for (const label of document.querySelectorAll<HTMLElement>('.transposed-only'))
    label.hidden = operation !== 'transposed';
  $<HTMLButtonElement>('measure').disabled = operation !== 'forward';
  $('measure').title = operation === 'forward' ? '' : 'measure times the forward layer: switch to forward';
}

function wireControls(): void {
  $('operation').addEventListener('input', (event) => event.stopPropagation());
  $('operation').addEventListener('change', (event) => {
    event.stopPropagation(); // one update, after the switch
    switchOperation();
  });
  $('controls').addEventListener('input', update);
  $('controls').addEventListener('change', update);
  $('depthwise').addEventListener('click', () => {
    $<HTMLInputElement>('groups').value = $<HTMLInputElement>('in-channels').value;
    $<HTMLInputElement>('out-channels').value = $<HTMLInputElement>('in-channels').value;
    update();
  });
  $('play').addEventListener('click', () => view.setPlaying(!view.playing));
  $('speed').addEventListener('change', () => {
    view.schedule();
    saveToUrl(view.step);
  });
  $('step').addEventListener('input', () => {
    view.step = Number($<HTMLInputElement>('step').value);
    view.setPlaying(false);
    view.draw();
    saveToUrl(view.step);
  });
  view.canvas.addEventListener('mousemove', (event) => view.hover(event.clientX, event.clientY));
  view.canvas.addEventListener('mouseleave', () => view.unhover());
  view.canvas.addEventListener('click', () => {
    view.setPlaying(!view.playing); // click to pin (or release) the current step
    saveToUrl(view.step);
  });
}

/**
 * A network's conv layer in the single-layer animation: its geometry (kernel, stride, padding,
 * dilation, padding mode, bias) on a slice small enough to read — at most 3 input and 2 output
 * channels (a depthwise layer stays depthwise, 3 channels), at most 9 × 9 cells or the dilated kernel's
 * span — said in the status line, since a 512-channel layer cannot be drawn cell by cell.
 */
function openLayer(inputShape: number[], layer: NetworkLayer): void {
  if (layer.type !== 'conv2d') return;
  const [, fullChannels, fullHeight, fullWidth] = inputShape.length === 4 ? inputShape : [1, ...inputShape];
  const depthwise = (layer.groups ?? 1) > 1 && layer.groups === fullChannels && layer.outChannels === fullChannels;
  const channels = Math.min(fullChannels!, 3);
  const outChannels = depthwise ? channels : Math.min(layer.outChannels, 2);
  const span = (k: number, d: number) => d * (k - 1) + 1;
  const kernel = typeof layer.kernelSize === 'number' ? [layer.kernelSize, layer.kernelSize] : layer.kernelSize;
  const dilation =
    layer.dilation === undefined
      ? [1, 1]
      : typeof layer.dilation === 'number'
        ? [layer.dilation, layer.dilation]
        : layer.dilation;
  const height = Math.min(fullHeight!, Math.max(9, span(kernel[0]!, dilation[0]!)));
  const width = Math.min(fullWidth!, Math.max(9, span(kernel[1]!, dilation[1]!)));
  const batch = 1;
  const pair = (value: unknown, plain: number) =>
    value === undefined ? [plain, plain] : typeof value === 'number' ? [value, value] : (value as number[]);
  const set = (id: string, value: unknown) => {
    $<HTMLInputElement>(id).value = String(value);
  };
  set('operation', 'forward');
  set('batch', batch);
  set('in-channels', channels);
  set('height', height);
  set('width', width);
  set('out-channels', outChannels);
  for (const [name, value, plain] of [
    ['kernel', layer.kernelSize, 1],
    ['stride', layer.stride, 1],
    ['dilation', layer.dilation, 1],
  ] as const) {
    const [h, w] = pair(value, plain);
    set(`${name}-h`, h);
    set(`${name}-w`, w);
  }
  if (typeof layer.padding === 'string') set('padding-kind', layer.padding);
  else {
    set('padding-kind', 'numbers');
    const [h, w] = pair(layer.padding, 0);
    set('padding-h', h);
    set('padding-w', w);
  }
  set('groups', depthwise ? channels : 1);
  set('padding-mode', layer.paddingMode ?? 'zeros');
  $<HTMLInputElement>('bias').checked = layer.bias !== false;
  showOperationControls();
  update();
  $('net-status').textContent =
    `${layer.name}: its geometry shown on ${channels} → ${outChannels} channels of ${height} × ${width} ` +
    `(the layer: ${fullChannels} → ${layer.outChannels} on ${fullHeight} × ${fullWidth})`;
  $('animation').scrollIntoView();
}

async function main(): Promise<void> {
  await Promise.all([
    document.fonts.load('16px "DejaVu Sans"', 'Input — ×−·'),
    document.fonts.load('bold 16px "DejaVu Sans"', 'Input — ×'),
    document.fonts.load(`16px "${CJK_FONT_FAMILY}"`, '输入'),
    document.fonts.load(`bold 16px "${CJK_FONT_FAMILY}"`, '输入'),
  ]);
  if (embedded) document.body.classList.add('embed');
  const restored = restoreFromUrl();
  if (restored.refused.length) {
    $('url-error').hidden = false;
    $('url-error').textContent = `This link's values were not used: ${restored.refused.join('; ')}`;
  }
  view.step = restored.step;
  showOperationControls();
  if (restored.pinned) view.setPlaying(false);
  wireControls();
  setUpExport(view);
  setUpMeasure(view);
  setUpSweep(view);
  const filter = new FilterPanel();
  await filter.load(new URL('./sample.png', location.href).href);
  update();
  const network = new NetworkPanel(openLayer);
  await network.restore(new URL('./sample.png', location.href).href);
  document.body.dataset.ready = 'true';
  // For tests and the curious: the current animation (cell positions, links).
  (window as unknown as { convlab: unknown }).convlab = {
    get animation() {
      return view.animation;
    },
  };
}

void main();
