// Through a network: a preset or the user's .onnx model described layer by layer (the library's
// describeNetwork) — shapes, receptive fields, cost in a table and a bar chart; click the picture and
// the receptive field of the cell there lights up, one outline a layer; open a conv layer in the
// single-layer animation. The state (network, input, layer, cell) lives in the URL.
import {
  type CellFieldOf,
  ConvlabError,
  NETWORK_PRESETS,
  type NetworkDescription,
  type NetworkLayer,
  type NetworkLayerDescription,
  cellFields,
  describeNetwork,
  inputShapeOf,
  networkPreset,
  onnxNetwork,
} from '../src/entry-browser.js';
import { $ } from './dom.js';

/** The largest model file the page reads. */
const MAX_MODEL_BYTES = 256 * 2 ** 20;

interface Loaded {
  name: string;
  inputShape: number[];
  layers: NetworkLayer[];
  description: NetworkDescription;
  fieldOf: CellFieldOf;
}

/** Where the field of cell i of a layer is centred on axis a, in input cells: i·J − P + (r − 1)/2. */
function fieldCentre(layer: NetworkLayerDescription, a: number, i: number): number {
  return i * layer.effectiveStride[a]! - layer.effectivePadding[a]! + (layer.receptiveField[a]! - 1) / 2;
}

/** The layer's cell whose field is centred nearest `point` (input cells, per axis). */
function nearestCell(layer: NetworkLayerDescription, point: readonly number[]): number[] {
  return layer.outputShape.slice(-2).map((n, a) => {
    const i = Math.round((point[a]! - fieldCentre(layer, a, 0)) / layer.effectiveStride[a]!);
    return Math.min(n - 1, Math.max(0, i));
  });
}

export class NetworkPanel {
  #loaded: Loaded | null = null;
  /** The layers as edited on the page (added, removed, moved), or null while they are the preset's. */
  #edited: NetworkLayer[] | null = null;
  /** The .onnx model loaded, while no preset is chosen. */
  #model: { name: string; inputShape: number[]; layers: NetworkLayer[]; notes: string[] } | null = null;
  #layer: string | null = null;
  #cell: number[] | null = null;
  #sample: HTMLImageElement | null = null;
  readonly #canvas = $<HTMLCanvasElement>('net-picture');

  constructor(readonly openLayer: (inputShape: number[], layer: NetworkLayer) => void) {
    const select = $<HTMLSelectElement>('net-preset');
    for (const preset of NETWORK_PRESETS) select.add(new Option(preset.name, preset.name));
    select.addEventListener('change', () => {
      $<HTMLInputElement>('net-input').value = '';
      this.#cell = null;
      this.#layer = null;
      this.#edited = null;
      this.#model = null;
      this.show();
    });
    $('net-add-button').addEventListener('click', () => this.#add());
    $<HTMLInputElement>('net-picture-file').addEventListener('change', (event) => {
      const file = (event.target as HTMLInputElement).files?.[0];
      if (file) void this.#loadPicture(URL.createObjectURL(file));
    });
    $('net-input').addEventListener('change', () => this.show());
    $<HTMLInputElement>('net-onnx').addEventListener('change', (event) => {
      const file = (event.target as HTMLInputElement).files?.[0];
      if (file) void this.loadModel(file);
    });
    this.#canvas.addEventListener('click', (event) => this.#click(event));
  }

  /** Restores the panel from the URL (`net`, `net-input`, `net-layer`, `net-cell`). */
  async restore(sampleUrl: string): Promise<void> {
    await this.#loadPicture(sampleUrl, false);
    const params = new URLSearchParams(location.search);
    const edited = params.get('net-layers');
    if (edited !== null) {
      try {
        const layers = JSON.parse(edited) as unknown;
        if (!Array.isArray(layers)) throw new Error('not a list');
        this.#edited = layers as NetworkLayer[];
      } catch {
        $('net-status').textContent =
          "This link's net-layers is not a JSON list of layers: the preset's layers are shown";
      }
    }
    const preset = params.get('net');
    if (preset && NETWORK_PRESETS.some((p) => p.name === preset)) $<HTMLSelectElement>('net-preset').value = preset;
    $<HTMLInputElement>('net-input').value = params.get('net-input') ?? '';
    this.#layer = params.get('net-layer');
    const cell = params.get('net-cell');
    this.#cell = cell && /^\d{1,6}(,\d{1,6})?$/.test(cell) ? cell.split(',').map(Number) : null;
    this.show();
  }

  /** Describes the chosen preset on the chosen input, or says why not in the library's words. */
  show(): void {
    const name = $<HTMLSelectElement>('net-preset').value;
    if (!name && this.#model) {
      const model = this.#model;
      this.#describe(
        this.#edited ? `${model.name} (edited)` : model.name,
        this.#inputShape(model.inputShape),
        this.#edited ?? model.layers,
        model.notes,
      );
      return;
    }
    if (!name) {
      this.#loaded = null;
      this.#render();
      return;
    }
    const preset = networkPreset(name);
    this.#describe(
      this.#edited ? `${name} (edited)` : name,
      this.#inputShape(preset.inputShape),
      this.#edited ?? preset.layers,
    );
  }

  /** The picture the fields are drawn on: the bundled sample, or one the user chooses. */
  async #loadPicture(url: string, render = true): Promise<void> {
    const image = new Image();
    image.src = url;
    try {
      await image.decode();
      this.#sample = image;
    } catch {
      $('net-status').textContent = 'That file is not a picture this browser can read.';
    }
    if (render) this.#render();
  }

  /** Edits: the layers as they stand, changed by `edit`, described again (the library judges them). */
  #edit(edit: (layers: NetworkLayer[]) => void): void {
    if (!this.#loaded) return;
    const layers = this.#loaded.layers.map((l) => ({ ...l }));
    edit(layers);
    this.#edited = layers;
    this.show();
  }

  /** Adds the layer written in the add field (JSON), after the chosen layer. */
  #add(): void {
    let layer: NetworkLayer;
    try {
      layer = JSON.parse($<HTMLInputElement>('net-add').value) as NetworkLayer;
    } catch {
      $('net-status').textContent = 'write the layer as JSON, e.g. {"type": "maxPool2d", "kernelSize": 2}';
      return;
    }
    this.#edit((layers) => {
      const at = layers.findIndex((l, i) => (l.name ?? `${i}`) === this.#layer);
      layers.splice(at < 0 ? layers.length : at + 1, 0, layer);
    });
  }

  async loadModel(file: File): Promise<void> {
    if (file.size > MAX_MODEL_BYTES) {
      $('net-status').textContent =
        `${file.name}: ${file.size} bytes; the page reads models of at most ${MAX_MODEL_BYTES}`;
      return;
    }
    try {
      // The page's own copy of onnx-proto, loaded with the first model (the library takes the decoder).
      const proto = (await import('onnx-proto')).default;
      const model = onnxNetwork(new Uint8Array(await file.arrayBuffer()), proto as never);
      $<HTMLSelectElement>('net-preset').value = '';
      this.#model = { name: file.name, inputShape: model.inputShape, layers: model.layers, notes: model.notes };
      this.#edited = null;
      this.#layer = null;
      this.#cell = null;
      this.show();
    } catch (error) {
      if (!(error instanceof ConvlabError)) throw error;
      $('net-status').textContent = error.message;
    }
  }

  #inputShape(fallback: number[]): number[] {
    const text = $<HTMLInputElement>('net-input').value.trim();
    return text ? text.split(',').map((part) => Number(part.trim())) : fallback;
  }

  #describe(name: string, inputShape: number[], layers: NetworkLayer[], notes: string[] = []): void {
    try {
      const description = describeNetwork(inputShape, layers);
      description.notes.unshift(...notes);
      this.#loaded = { name, inputShape, layers, description, fieldOf: cellFields(inputShape, layers) };
      // The layers with a grid of cells to click (not the global pooling that ends a classifier).
      const spatial = description.layers.filter(
        (l) => l.receptiveField.length === 2 && l.outputShape.length >= 3 && !l.type.startsWith('adaptive'),
      );
      if (!spatial.some((l) => l.name === this.#layer)) this.#layer = spatial.at(-1)?.name ?? null;
      $('net-status').textContent =
        `${name}: ${description.layers.length} layers, ${description.totals.parameters.toLocaleString('en-US')} parameters, ` +
        `${description.totals.macs.toLocaleString('en-US')} MACs`;
    } catch (error) {
      if (!(error instanceof ConvlabError)) throw error;
      this.#loaded = null;
      $('net-status').textContent = error.message;
    }
    this.#render();
  }

  #render(): void {
    this.#table();
    this.#chart();
    this.#picture();
    this.#save();
  }

  #table(): void {
    const table = $<HTMLTableElement>('net-table');
    table.replaceChildren();
    if (!this.#loaded) return;
    const head = table.createTHead().insertRow();
    for (const title of [
      'layer',
      'type',
      'output shape',
      'receptive field',
      'stride',
      'padding',
      'parameters',
      'MACs',
      '',
    ])
      head.insertCell().textContent = title;
    const body = table.createTBody();
    this.#loaded.description.layers.forEach((l, index) => {
      const row = body.insertRow();
      row.dataset.layer = l.name;
      if (l.name === this.#layer) row.classList.add('selected');
      const cells = [
        l.name,
        l.type,
        `(${l.outputShape.join(', ')})`,
        l.receptiveField.join(' × '),
        l.effectiveStride.map((v) => +v.toPrecision(4)).join(' × '),
        l.effectivePadding.map((v) => +v.toPrecision(4)).join(' × '),
        l.parameters.toLocaleString('en-US'),
        l.macs.toLocaleString('en-US'),
      ];
      for (const text of cells) row.insertCell().textContent = text;
      const action = row.insertCell();
      const layer = this.#loaded!.layers[index]!;
      const edits: [string, string, (layers: NetworkLayer[]) => void][] = [
        ['↑', 'up', (layers) => index > 0 && layers.splice(index - 1, 2, layers[index]!, layers[index - 1]!)],
        [
          '↓',
          'down',
          (layers) => index + 1 < layers.length && layers.splice(index, 2, layers[index + 1]!, layers[index]!),
        ],
        ['✕', 'remove', (layers) => layers.splice(index, 1)],
      ];
      for (const [symbol, what, edit] of edits) {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = symbol;
        button.title = `${what} this layer`;
        button.dataset.testid = `net-${what}-${index}`;
        button.addEventListener('click', (event) => {
          event.stopPropagation();
          this.#edit(edit);
        });
        action.append(button);
      }
      if (l.outputShape.length >= 3 && l.receptiveField.length === 2) {
        row.addEventListener('click', () => {
          this.#layer = l.name;
          this.#render();
        });
      }
      if (layer.type === 'conv2d') {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = 'animate';
        button.dataset.testid = `net-open-${index}`;
        button.addEventListener('click', (event) => {
          event.stopPropagation();
          this.openLayer(inputShapeOf(this.#loaded!.description, l.name), layer);
        });
        action.append(button);
      }
    });
  }

  /** MACs per layer as bars (the layers that compute anything). */
  #chart(): void {
    const chart = $('net-chart');
    chart.replaceChildren();
    if (!this.#loaded) return;
    const costly = this.#loaded.description.layers.filter((l) => l.macs > 0);
    const most = Math.max(1, ...costly.map((l) => l.macs));
    for (const l of costly) {
      const bar = document.createElement('div');
      bar.className = 'net-bar';
      bar.title = `${l.name}: ${l.macs.toLocaleString('en-US')} MACs, ${l.parameters.toLocaleString('en-US')} parameters`;
      bar.style.width = `${Math.max(0.5, (100 * l.macs) / most)}%`;
      chart.append(bar);
    }
  }

  /** The sample picture at the network's input size, the chosen layer's field for the chosen cell, one outline a layer. */
  #picture(): void {
    const canvas = this.#canvas;
    const ctx = canvas.getContext('2d')!;
    const loaded = this.#loaded;
    const [H, W] = loaded ? loaded.inputShape.slice(-2) : [0, 0];
    if (!loaded || loaded.inputShape.length < 3 || !this.#sample?.naturalWidth || !H || !W || H > 4096 || W > 4096) {
      canvas.width = canvas.height = 0;
      return;
    }
    // Shown at most 448 px a side; fields are in input cells.
    const scale = Math.min(448 / H!, 448 / W!, 4);
    canvas.width = Math.round(W! * scale);
    canvas.height = Math.round(H! * scale);
    ctx.drawImage(this.#sample, 0, 0, canvas.width, canvas.height);
    const field = $('net-field');
    field.textContent = this.#layer
      ? `click a cell of ${this.#layer} (a dot: the centre of its field) to light its field`
      : '';
    if (!this.#layer) return;
    this.#cellCentres(ctx, scale);
    if (!this.#cell) return;
    // Layer by layer: the field of the cell nearest the clicked point in every layer up to the chosen one.
    const upTo = loaded.description.layers.findIndex((l) => l.name === this.#layer);
    const chosen = loaded.fieldOf(this.#layer, this.#cell);
    const [cy, cx] = chosen.map((span) => (span ? (span[0] + span[1]) / 2 : 0));
    ctx.lineWidth = 1;
    for (const l of loaded.description.layers.slice(0, upTo)) {
      if (l.outputShape.length < 3 || l.receptiveField.length !== 2) continue;
      this.#outline(ctx, loaded.fieldOf(l.name, nearestCell(l, [cy!, cx!])), scale, 'rgba(9, 105, 218, 0.5)');
    }
    ctx.fillStyle = 'rgba(240, 162, 2, 0.3)';
    this.#outline(ctx, chosen, scale, '#c2410c', true);
    const [rows, columns] = chosen;
    field.textContent =
      `cell (${this.#cell.join(', ')}) of ${this.#layer}: input rows ${rows ? `${rows[0]} … ${rows[1]}` : 'none'}, ` +
      `columns ${columns ? `${columns[0]} … ${columns[1]}` : 'none'} (${rows && columns ? `${rows[1] - rows[0] + 1} × ${columns[1] - columns[0] + 1}` : '—'}; ` +
      'beyond 0 … size − 1 the field reaches into the padding)';
  }

  /** The chosen layer's output cells, as dots at the centres of their fields (up to 64 a side). */
  #cellCentres(ctx: CanvasRenderingContext2D, scale: number): void {
    const layer = this.#loaded!.description.layers.find((l) => l.name === this.#layer)!;
    const [rows, columns] = layer.outputShape.slice(-2) as [number, number];
    if (rows > 64 || columns > 64) return;
    const centre = (i: number, a: number) => (fieldCentre(layer, a, i) + 0.5) * scale;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.strokeStyle = 'rgba(31, 35, 40, 0.8)';
    ctx.lineWidth = 1;
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < columns; x++) {
        ctx.beginPath();
        ctx.arc(centre(x, 1), centre(y, 0), 2.5, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      }
  }

  #outline(
    ctx: CanvasRenderingContext2D,
    [rows, columns]: ([number, number] | null)[],
    scale: number,
    stroke: string,
    fill = false,
  ): void {
    if (!rows || !columns) return;
    const x = columns[0] * scale,
      y = rows[0] * scale,
      w = (columns[1] - columns[0] + 1) * scale,
      h = (rows[1] - rows[0] + 1) * scale;
    if (fill) ctx.fillRect(x, y, w, h);
    ctx.strokeStyle = stroke;
    ctx.lineWidth = fill ? 3 : 1;
    ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
  }

  /** A click on the picture: the chosen layer's cell whose field is centred nearest the point. */
  #click(event: MouseEvent): void {
    const loaded = this.#loaded;
    if (!loaded || !this.#layer) return;
    const layer = loaded.description.layers.find((l) => l.name === this.#layer)!;
    const rect = this.#canvas.getBoundingClientRect();
    const scale = this.#canvas.width / loaded.inputShape.at(-1)!;
    const point = [
      ((event.clientY - rect.top) * this.#canvas.height) / rect.height / scale,
      ((event.clientX - rect.left) * this.#canvas.width) / rect.width / scale,
    ];
    this.#cell = nearestCell(layer, point);
    this.#render();
  }

  /** The panel's state in the URL, beside the controls' (presets by name). */
  #save(): void {
    const params = new URLSearchParams(location.search);
    for (const key of ['net', 'net-input', 'net-layer', 'net-cell', 'net-layers']) params.delete(key);
    const preset = $<HTMLSelectElement>('net-preset').value;
    if (preset) {
      params.set('net', preset);
      const input = $<HTMLInputElement>('net-input').value.trim();
      if (input) params.set('net-input', input);
      if (this.#layer) params.set('net-layer', this.#layer);
      if (this.#cell) params.set('net-cell', this.#cell.join(','));
      if (this.#edited) params.set('net-layers', JSON.stringify(this.#edited));
    }
    history.replaceState(null, '', `${location.pathname}?${params}`);
  }
}
