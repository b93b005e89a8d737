// The picture: the animation of the current configuration on the page's canvas — stepping, playing,
// hover linking. Its state lives in one View object that the panels read; nothing else keeps any.
import {
  type CellTarget,
  ConvlabError,
  type Frame,
  type Linked,
  type Picture,
  type TransposedLayerOptions,
  type VizOptions,
  createAnimation,
  createBackwardAnimation,
  createTransposedAnimation,
  drawFrame,
  frameDelay,
} from '../src/entry-browser.js';
import { $ } from './dom.js';
import type { Configuration } from './state.js';

/** The largest canvas side the page draws (browsers refuse canvases past 32,767 px a side). */
const MAX_PAGE_CANVAS_SIDE = 16_384;

/**
 * The animation at the default cell size, or — for a layer too large to draw that way — at the
 * largest smaller cell size that fits the page's canvas. Refusals other than size are the library's.
 */
export function fitAnimation(configuration: Configuration): Picture {
  const { inputShape } = configuration;
  let refusal: unknown = null;
  for (const cellSize of [undefined, 16, 12, 10, 8]) {
    try {
      const a = pictureOf(
        configuration,
        cellSize === undefined ? configuration.viz : { ...configuration.viz, cellSize },
      );
      if (a.width <= MAX_PAGE_CANVAS_SIDE && a.height <= MAX_PAGE_CANVAS_SIDE) return a;
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

/** The layer's transposed form: Conv2d's controls plus the output padding (other padding modes left for the library to refuse). */
export function transposedLayerOf({ layer, outputPadding }: Configuration): TransposedLayerOptions {
  return { ...layer, outputPadding } as TransposedLayerOptions;
}

/** The picture of the chosen operation: the convolution, the transposed convolution or the backward pass. */
function pictureOf(configuration: Configuration, viz: VizOptions): Picture {
  const { operation, inputShape, layer } = configuration;
  if (operation === 'transposed') return createTransposedAnimation(inputShape, transposedLayerOf(configuration), viz);
  if (operation === 'backward') return createBackwardAnimation(inputShape, layer, viz);
  return createAnimation(inputShape, layer, viz);
}

function describeHover(target: CellTarget, l: Linked): string {
  if (target.kind === 'output')
    return `output [${target.channel}, ${target.oy}, ${target.ox}] reads ${l.inputs.length} input cells through ${l.weights.length} weights`;
  if (target.kind === 'input')
    return `input cell [${target.channel}, ${target.py}, ${target.px}] (padded) feeds ${l.outputs.length} output cells`;
  return `weight [${target.outputChannel}, ${target.groupChannel}, ${target.ky}, ${target.kx}] touches ${l.inputs.length} input cells`;
}

export class View {
  animation: Picture | null = null;
  configuration: Configuration | null = null;
  step = 0;
  playing = true;
  #hovered: CellTarget | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The current step's frame, kept while only the hover changes (hover redraws reuse it). */
  #frame: { animation: Picture; step: number; frame: Frame } | null = null;
  readonly #ctx: CanvasRenderingContext2D;

  constructor(readonly canvas: HTMLCanvasElement) {
    this.#ctx = canvas.getContext('2d')!;
  }

  show(configuration: Configuration, animation: Picture): void {
    this.configuration = configuration;
    this.animation = animation;
    this.#hovered = null;
    this.step = Math.min(this.step, animation.steps - 1);
    $<HTMLInputElement>('step').max = String(animation.steps - 1);
    this.draw();
    this.schedule();
  }

  draw(): void {
    const { animation, canvas } = this;
    if (!animation) return;
    if (this.#frame?.animation !== animation || this.#frame.step !== this.step)
      this.#frame = { animation, step: this.step, frame: animation.frame(this.step) };
    const { frame } = this.#frame;
    if (canvas.width !== frame.width || canvas.height !== frame.height) {
      canvas.width = frame.width;
      canvas.height = frame.height;
    }
    // Hover linking reads the animation's dependency map once per hovered cell.
    const hovered = this.#hovered;
    const links = hovered ? animation.linked(hovered) : null;
    drawFrame(
      this.#ctx as never,
      hovered ? { ...frame, shapes: [...frame.shapes, ...animation.overlay(hovered, links!)] } : frame,
    );
    $('hover').textContent = hovered
      ? describeHover(hovered, links!)
      : animation.hoverLinks === false
        ? ''
        : 'hover a cell to see what it is linked to';
    $<HTMLInputElement>('step').value = String(this.step);
    $<HTMLOutputElement>('step-label').textContent = `${this.step + 1} / ${animation.steps}`;
  }

  /** Plays on at the chosen speed, the last step held as long as in the GIFs. */
  schedule(): void {
    clearTimeout(this.#timer);
    const { animation } = this;
    if (!this.playing || !animation) return;
    const speed = Number($<HTMLSelectElement>('speed').value);
    this.#timer = setTimeout(
      () => {
        this.step = (this.step + 1) % animation.steps;
        this.draw();
        this.schedule();
      },
      frameDelay(this.step, animation.steps, speed),
    );
  }

  setPlaying(playing: boolean): void {
    this.playing = playing;
    $('play').textContent = playing ? 'pause' : 'play';
    this.schedule();
  }

  /** Links the cell under the pointer at page position (clientX, clientY), if any. */
  hover(clientX: number, clientY: number): void {
    if (!this.animation) return;
    const rect = this.canvas.getBoundingClientRect();
    const x = ((clientX - rect.left) * this.canvas.width) / rect.width;
    const y = ((clientY - rect.top) * this.canvas.height) / rect.height;
    this.#setHovered(this.animation.hitTest(x, y));
  }

  unhover(): void {
    this.#setHovered(null);
  }

  #setHovered(target: CellTarget | null): void {
    if (JSON.stringify(target) === JSON.stringify(this.#hovered)) return;
    this.#hovered = target;
    this.draw();
  }
}
