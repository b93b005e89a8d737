// The page's state is its controls; the URL mirrors them (a shareable link) and restores them.
import type { LayerOptions, VizOptions } from '../src/entry-browser.js';
import { $ } from './dom.js';

const CONTROL_IDS = [
  'operation',
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
  'output-padding-h',
  'output-padding-w',
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

/** What the picture shows: the convolution, the transposed convolution, or the backward pass. */
export type Operation = 'forward' | 'transposed' | 'backward';

export interface Configuration {
  operation: Operation;
  inputShape: number[];
  /** The layer as Conv2d's options (the transposed convolution's too, without its output padding). */
  layer: LayerOptions;
  /** The transposed convolution's output padding. */
  outputPadding: [number, number];
  viz: VizOptions;
}

/** `?embed=1`: the picture alone, for an iframe (a blog post, a slide). */
export const embedded = new URLSearchParams(location.search).get('embed') === '1';

/** The controls, read as the library's arguments (numbers are passed through for the library to judge). */
export function readConfiguration(): Configuration {
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
    operation: $<HTMLSelectElement>('operation').value as Operation,
    inputShape,
    outputPadding: pair('output-padding'),
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

/** Numbers in a link: a non-negative integer of at most 10 digits (the library judges the rest). */
const LINK_NUMBER = /^\d{1,10}$/;

/** Why a link's value cannot set its control, or null when it can. */
function refusal(element: HTMLInputElement | HTMLSelectElement, value: string): string | null {
  if (element instanceof HTMLSelectElement) {
    const allowed = [...element.options].map((option) => option.value);
    return allowed.includes(value) ? null : `one of ${allowed.join(', ')}`;
  }
  if (element.type === 'checkbox') return value === '0' || value === '1' ? null : '0 or 1';
  const min = Number(element.min || 0);
  return LINK_NUMBER.test(value) && Number(value) >= min ? null : `an integer from ${min}, at most 10 digits`;
}

/**
 * Sets the controls from the URL. A value a control cannot hold (a speed that is not offered, a
 * word where a number goes, 20 digits) leaves the control as it is and is listed, so a hand-edited
 * link shows what was not used instead of hanging the page; values the controls can hold go to the
 * library, which refuses bad layers in its own words.
 */
export function restoreFromUrl(): { step: number; pinned: boolean; refused: string[] } {
  const params = new URLSearchParams(location.search);
  const refused: string[] = [];
  for (const id of CONTROL_IDS) {
    const value = params.get(id);
    if (value === null) continue;
    const element = $<HTMLInputElement | HTMLSelectElement>(id);
    const why = refusal(element, value);
    if (why) refused.push(`${id}=${value.length > 24 ? `${value.slice(0, 24)}…` : value} (${why})`);
    else if (element instanceof HTMLInputElement && element.type === 'checkbox') element.checked = value === '1';
    else element.value = value;
  }
  const stepText = params.get('step');
  if (stepText !== null && !LINK_NUMBER.test(stepText))
    refused.push(`step=${stepText.slice(0, 24)} (an integer from 0)`);
  const step = stepText !== null && LINK_NUMBER.test(stepText) ? Number(stepText) : 0;
  return { step, pinned: params.has('step'), refused };
}

export function saveToUrl(step: number): void {
  const params = new URLSearchParams();
  // The network panel's own state (net, net-input, net-layer, net-cell) stays as it is.
  for (const [key, value] of new URLSearchParams(location.search)) if (key.startsWith('net')) params.set(key, value);
  if (embedded) params.set('embed', '1');
  for (const id of CONTROL_IDS) {
    const element = $<HTMLInputElement>(id);
    params.set(id, element.type === 'checkbox' ? (element.checked ? '1' : '0') : element.value);
  }
  params.set('step', String(step));
  history.replaceState(null, '', `${location.pathname}?${params}`);
}
