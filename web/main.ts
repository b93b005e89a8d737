// The convlab playground, a client of the library's public entries: controls → the library's
// description and frame model → the shared Canvas 2D renderer. This file only wires the parts:
// state.ts (controls ↔ URL), view.ts (the picture), numbers.ts (numbers and bounds), and the
// panels (export, measure, sweep, filter).
// DejaVu Sans as web fonts (split by script, loaded as needed): the font the Node renderer registers.
import '@fontsource/dejavu-sans/400.css';
import '@fontsource/dejavu-sans/700.css';
import { CJK_FONT_FAMILY, ConvlabError } from '../src/entry-browser.js';
import { $ } from './dom.js';
import { setUpExport } from './export-panel.js';
import { FilterPanel } from './filter-panel.js';
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
  document.body.dataset.ready = 'true';
  // For tests and the curious: the current animation (cell positions, links).
  (window as unknown as { convlab: unknown }).convlab = {
    get animation() {
      return view.animation;
    },
  };
}

void main();
