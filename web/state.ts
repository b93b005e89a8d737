// The page's state is its controls; the URL mirrors them (a shareable link) and restores them.
import type { LayerOptions, VizOptions } from '../src/entry-browser.js';
import { $ } from './dom.js';

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

export interface Configuration {
  inputShape: number[];
  layer: LayerOptions;
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

/** Sets the controls from the URL; returns the step it names (0 when none, or not a step). */
export function restoreFromUrl(): { step: number; pinned: boolean } {
  const params = new URLSearchParams(location.search);
  for (const id of CONTROL_IDS) {
    const value = params.get(id);
    if (value === null) continue;
    const element = $<HTMLInputElement>(id);
    if (element.type === 'checkbox') element.checked = value === '1';
    else element.value = value;
  }
  const step = Number(params.get('step') ?? 0);
  return { step: Number.isInteger(step) && step >= 0 ? step : 0, pinned: params.has('step') };
}

export function saveToUrl(step: number): void {
  const params = new URLSearchParams();
  if (embedded) params.set('embed', '1');
  for (const id of CONTROL_IDS) {
    const element = $<HTMLInputElement>(id);
    params.set(id, element.type === 'checkbox' ? (element.checked ? '1' : '0') : element.value);
  }
  params.set('step', String(step));
  history.replaceState(null, '', `${location.pathname}?${params}`);
}
