// Filter a picture: the library's filterRgba (a depthwise 3×3 convolution, padding 'same', replicate)
// on the bundled sample or a picture the user drops; the kernel's nine weights are editable.
import { KERNEL_PRESETS, filterRgba } from '../src/entry-browser.js';
import { $ } from './dom.js';

const MAX_PICTURE_SIDE = 1024;

export class FilterPanel {
  readonly #input = $<HTMLCanvasElement>('picture-in');
  readonly #output = $<HTMLCanvasElement>('picture-out');
  readonly #inputs: HTMLInputElement[] = [];

  constructor() {
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
      this.#inputs.push(input);
    }
    this.#setKernel(KERNEL_PRESETS[0]!.weights);
    select.addEventListener('change', () => {
      this.#setKernel(KERNEL_PRESETS.find((p) => p.name === select.value)!.weights);
      this.apply();
    });
    grid.addEventListener('input', () => this.apply());
    $<HTMLInputElement>('picture').addEventListener('change', (event) => {
      const file = (event.target as HTMLInputElement).files?.[0];
      if (file) void this.load(file);
    });
    const canvas = this.#input;
    canvas.addEventListener('dragover', (event) => {
      event.preventDefault();
      canvas.classList.add('dragging');
    });
    canvas.addEventListener('dragleave', () => canvas.classList.remove('dragging'));
    canvas.addEventListener('drop', (event) => {
      event.preventDefault();
      canvas.classList.remove('dragging');
      const file = event.dataTransfer?.files[0];
      if (file) void this.load(file);
    });
  }

  #setKernel(weights: readonly number[]): void {
    this.#inputs.forEach((input, i) => {
      input.value = String(Math.round(weights[i]! * 1000) / 1000);
    });
  }

  apply(): void {
    const { width, height } = this.#input;
    if (!width) return;
    const preset =
      KERNEL_PRESETS.find((p) => p.name === $<HTMLSelectElement>('kernel-preset').value) ?? KERNEL_PRESETS[0]!;
    const source = this.#input.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, width, height);
    const started = performance.now();
    const weights = this.#inputs.map((input) => Number(input.value));
    const filtered = filterRgba(source.data, width, height, weights, preset.post);
    const ms = performance.now() - started;
    this.#output.width = width;
    this.#output.height = height;
    this.#output.getContext('2d')!.putImageData(new ImageData(filtered, width, height), 0, 0);
    $('filter-timing').textContent =
      `${width}×${height}, 3 channels: ${ms.toFixed(1)} ms (depthwise 3×3, padding 'same', replicate)`;
  }

  /** Loads a picture (scaled to at most 1024 px a side) and filters it. */
  async load(source: Blob | string): Promise<void> {
    const image = new Image();
    image.src = typeof source === 'string' ? source : URL.createObjectURL(source);
    try {
      await image.decode();
    } catch {
      $('filter-timing').textContent = 'That file is not a picture this browser can read.';
      return;
    }
    const scale = Math.min(1, MAX_PICTURE_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
    this.#input.width = Math.max(1, Math.round(image.naturalWidth * scale));
    this.#input.height = Math.max(1, Math.round(image.naturalHeight * scale));
    this.#input
      .getContext('2d', { willReadFrequently: true })!
      .drawImage(image, 0, 0, this.#input.width, this.#input.height);
    this.apply();
  }
}
