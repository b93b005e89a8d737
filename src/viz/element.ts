import type { LayerOptions } from '../core/describe.js';
import { parseIntPair, parseNumber, parsePadding, parseShape } from '../core/text-arguments.js';
import { ConvlabError } from '../errors/index.js';
import { type Animation, type VizOptions, createAnimation } from './frame.js';
import { DEFAULT_FRAME_MS, MIN_LAST_FRAME_MS } from './gif.js';
import { type Context2D, drawFrame } from './render.js';

/**
 * `<conv-animation>`: the animation as a custom element, for a blog post or a slide deck. The layer is
 * written as attributes, in the CLI's words:
 *
 *   <script type="module" src="https://unpkg.com/convlab/dist/embed/conv-animation.js"></script>
 *   <conv-animation input="3,7,7" out-channels="2" kernel-size="3" padding="1" stride="2" dilation="2"></conv-animation>
 *
 * Attributes: input (C,H,W or N,C,H,W), out-channels, kernel-size, stride, padding (n, h,w, same,
 * valid), dilation, groups, padding-mode, bias ("false" for none), mode (structure | values), theme
 * (light | dark), lang (en | zh), cell-size, frame-ms (default 300), step (show one step, still),
 * title. It plays on its own; a click pauses and resumes. A refused layer shows the library's message.
 */

const LAYER_ATTRIBUTES = [
  'input',
  'out-channels',
  'kernel-size',
  'stride',
  'padding',
  'dilation',
  'groups',
  'padding-mode',
  'bias',
] as const;
const VIZ_ATTRIBUTES = ['mode', 'theme', 'lang', 'cell-size', 'title'] as const;
const PLAY_ATTRIBUTES = ['frame-ms', 'step'] as const;

/** The layer and picture options an element's attributes describe (text parsed here, rules the library's). */
export function optionsFromAttributes(get: (name: string) => string | null): {
  inputShape: number[];
  layer: LayerOptions;
  viz: VizOptions;
} {
  const required = (name: string) => {
    const value = get(name);
    if (value === null) throw new ConvlabError(name, null, `the ${name} attribute is required`);
    return value;
  };
  const optional = <T>(name: string, parse: (text: string) => T) => {
    const value = get(name);
    return value === null ? undefined : parse(value);
  };
  const layer: Record<string, unknown> = {
    outChannels: parseNumber('out-channels', required('out-channels')),
    kernelSize: parseIntPair('kernel-size', required('kernel-size')),
    stride: optional('stride', (t) => parseIntPair('stride', t)),
    padding: optional('padding', parsePadding),
    dilation: optional('dilation', (t) => parseIntPair('dilation', t)),
    groups: optional('groups', (t) => parseNumber('groups', t)),
    paddingMode: optional('padding-mode', (t) => t),
    bias: optional('bias', (t) => t !== 'false'),
  };
  const viz: Record<string, unknown> = {
    mode: optional('mode', (t) => t),
    theme: optional('theme', (t) => t),
    lang: optional('lang', (t) => t),
    cellSize: optional('cell-size', (t) => parseNumber('cell-size', t)),
    title: optional('title', (t) => t),
  };
  const defined = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return {
    inputShape: parseShape('input', required('input')),
    layer: defined(layer) as unknown as LayerOptions,
    viz: defined(viz) as VizOptions,
  };
}

/** Registers `<conv-animation>` (or `name`) where custom elements exist; does nothing elsewhere or when already defined. */
export function defineConvAnimation(name = 'conv-animation'): void {
  if (typeof customElements === 'undefined' || customElements.get(name)) return;

  class ConvAnimation extends HTMLElement {
    static observedAttributes = [...LAYER_ATTRIBUTES, ...VIZ_ATTRIBUTES, ...PLAY_ATTRIBUTES];
    #canvas = document.createElement('canvas');
    #message = document.createElement('p');
    #animation: Animation | null = null;
    #step = 0;
    #paused = false;
    #timer: ReturnType<typeof setTimeout> | undefined;

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent =
        ':host { display: inline-block; max-width: 100%; } canvas { max-width: 100%; height: auto; display: block; cursor: pointer; } ' +
        'p { font: 14px sans-serif; color: #cf222e; margin: 0.5em 0; }';
      this.#message.hidden = true;
      this.#canvas.setAttribute('role', 'img');
      this.#canvas.addEventListener('click', () => {
        this.#paused = !this.#paused;
        this.#schedule();
      });
      root.append(style, this.#canvas, this.#message);
    }

    connectedCallback(): void {
      this.#rebuild();
    }
    disconnectedCallback(): void {
      clearTimeout(this.#timer);
    }
    attributeChangedCallback(): void {
      if (this.isConnected) this.#rebuild();
    }

    /** The current animation (null when the attributes are refused). */
    get animation(): Animation | null {
      return this.#animation;
    }

    #rebuild(): void {
      clearTimeout(this.#timer);
      try {
        const { inputShape, layer, viz } = optionsFromAttributes((n) => this.getAttribute(n));
        this.#animation = createAnimation(inputShape, layer, viz);
        const still = this.getAttribute('step');
        this.#step =
          still === null ? 0 : Math.min(Math.max(0, Math.trunc(parseNumber('step', still))), this.#animation.steps - 1);
        this.#paused = still !== null;
        this.#message.hidden = true;
        this.#canvas.hidden = false;
        this.#canvas.width = this.#animation.width;
        this.#canvas.height = this.#animation.height;
        this.#canvas.setAttribute('aria-label', `${this.#animation.title}. ${this.#animation.caption}`);
        this.#draw();
        this.#schedule();
      } catch (error) {
        if (!(error instanceof ConvlabError)) throw error;
        this.#animation = null;
        this.#canvas.hidden = true;
        this.#message.hidden = false;
        this.#message.textContent = `conv-animation: ${error.message}`;
      }
    }

    #draw(): void {
      if (this.#animation)
        drawFrame(this.#canvas.getContext('2d') as unknown as Context2D, this.#animation.frame(this.#step));
    }

    #schedule(): void {
      clearTimeout(this.#timer);
      const animation = this.#animation;
      if (!animation || this.#paused || animation.steps < 2) return;
      const frameMs = Number(this.getAttribute('frame-ms') ?? DEFAULT_FRAME_MS) || DEFAULT_FRAME_MS;
      const delay = this.#step === animation.steps - 1 ? Math.max(frameMs, MIN_LAST_FRAME_MS) : frameMs;
      this.#timer = setTimeout(() => {
        this.#step = (this.#step + 1) % animation.steps;
        this.#draw();
        this.#schedule();
      }, delay);
    }
  }

  customElements.define(name, ConvAnimation);
}
