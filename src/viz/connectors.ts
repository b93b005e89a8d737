import type { Conv2dInfo } from '../core/resolve.js';
import type { Layout } from './layout.js';
import { type LinkMap, inPadding } from './links.js';
import type { Connector, Shape } from './shapes.js';
import type { Palette } from './theme.js';

/**
 * What a frame draws over its cells for the current step: the cells that copies of reflect /
 * replicate / circular padding take their values from (dashed), the ghost of the receptive field one
 * stride back with an arrow for the jump, the field's and kernel slices' outlines, and the connectors
 * with their halos — from the field's right-hand corners to its slice's left-hand corners (lines from
 * the far corners would cross the window's own numbers), and from the filter's outer right-hand
 * corners to the centre of the output cell.
 */

/** Padded-cell box covered by output cell (oy, ox)'s taps: rows [y0, y1), columns [x0, x1). */
export function fieldBox(map: LinkMap, oy: number, ox: number) {
  const { kernelHeight: kH, kernelWidth: kW } = map.info;
  return {
    y0: map.rowOf[oy * kH]!,
    y1: map.rowOf[oy * kH + kH - 1]! + 1,
    x0: map.colOf[ox * kW]!,
    x1: map.colOf[ox * kW + kW - 1]! + 1,
  };
}

export interface OverCellsInput {
  info: Conv2dInfo;
  map: LinkMap;
  layout: Layout;
  palette: Palette;
  /** The output channel each group computes at this step. */
  current: number[];
  oy: number;
  ox: number;
}

export function overCells({ info, map, layout, palette, current, oy, ox }: OverCellsInput): {
  outlines: Shape[];
  halos: Shape[];
  lines: Shape[];
} {
  const { S } = layout;
  const { inChannelsPerGroup: Cg, outChannelsPerGroup: Og, kernelHeight: kH, kernelWidth: kW } = info;
  const Wp = map.paddedWidth;
  const outlines: Shape[] = [];
  const halos: Shape[] = [];
  const lines: Shape[] = [];
  const connect = (x1: number, y1: number, x2: number, y2: number, connector: Connector) => {
    halos.push({ kind: 'line', x1, y1, x2, y2, stroke: palette.background, lineWidth: 3, halo: true });
    lines.push({ kind: 'line', x1, y1, x2, y2, stroke: palette.line, lineWidth: 1.5, connector });
  };
  const box = fieldBox(map, oy, ox);
  // Copied padding read by the field (the same cells in every channel): the padded cell each copy takes its value from.
  const copySources = new Set<number>();
  for (let ky = 0; ky < kH; ky++) {
    const py = map.rowOf[oy * kH + ky]!,
      y = map.rowSource[py]!;
    for (let kx = 0; kx < kW; kx++) {
      const px = map.colOf[ox * kW + kx]!,
        x = map.colSource[px]!;
      if (inPadding(map, py, px) && y >= 0 && x >= 0) copySources.add((y + info.padTop) * Wp + x + info.padLeft);
    }
  }
  const previous = ox > 0 ? fieldBox(map, oy, ox - 1) : oy > 0 ? fieldBox(map, oy - 1, ox) : null;
  for (const o of current) {
    const g = Math.floor(o / Og);
    const outRect = layout.cellRect({ kind: 'output', channel: o, oy, ox });
    const outCx = outRect.x + S / 2,
      outCy = outRect.y + S / 2;
    for (let c = 0; c < Cg; c++) {
      const channel = g * Cg + c;
      const top = layout.inputTop(channel);
      const fx0 = layout.inputX + box.x0 * S,
        fy0 = top + box.y0 * S,
        fx1 = layout.inputX + box.x1 * S,
        fy1 = top + box.y1 * S;
      for (const s of copySources) {
        outlines.push({
          kind: 'rect',
          x: layout.inputX + (s % Wp) * S + 1,
          y: top + Math.floor(s / Wp) * S + 1,
          w: S - 2,
          h: S - 2,
          stroke: palette.receptive,
          lineWidth: 2,
          dash: [3, 2],
        });
      }
      if (previous && c === 0) {
        const gx0 = layout.inputX + previous.x0 * S,
          gy0 = top + previous.y0 * S;
        outlines.push({
          kind: 'rect',
          x: gx0,
          y: gy0,
          w: (previous.x1 - previous.x0) * S,
          h: (previous.y1 - previous.y0) * S,
          stroke: palette.ghost,
          lineWidth: 1.5,
          dash: [4, 3],
        });
        outlines.push(
          ...arrow(
            palette,
            ox > 0 ? [gx0, fy0 - S * 0.3, fx0, fy0 - S * 0.3] : [fx0 - S * 0.3, gy0, fx0 - S * 0.3, fy0],
            S,
          ),
        );
      }
      outlines.push({ kind: 'rect', x: fx0, y: fy0, w: fx1 - fx0, h: fy1 - fy0, stroke: palette.line, lineWidth: 2 });
      const k = layout.kernelCell(o, c, 0, 0);
      const ky1 = k.y + kH * S;
      outlines.push({ kind: 'rect', x: k.x, y: k.y, w: kW * S, h: kH * S, stroke: palette.line, lineWidth: 2 });
      // A funnel from the field's right-hand corners to the slice's left-hand corners: the window
      // meets its slice (lines from the far corners would cross the window's own numbers).
      const toKernel = {
        from: 'receptive-field',
        to: 'kernel',
        inputChannel: channel,
        outputChannel: o,
        groupChannel: c,
      } as const;
      connect(fx1, fy0, k.x, k.y, toKernel);
      connect(fx1, fy1, k.x, ky1, toKernel);
    }
    // The filter's outer corners to the output cell: every slice's sum lands in that one cell.
    const firstSlice = layout.kernelCell(o, 0, 0, 0),
      lastSlice = layout.kernelCell(o, Cg - 1, kH - 1, kW - 1);
    connect(firstSlice.x + kW * S, firstSlice.y, outCx, outCy, {
      from: 'kernel',
      to: 'output',
      outputChannel: o,
      groupChannel: 0,
      oy,
      ox,
    });
    connect(lastSlice.x + S, lastSlice.y + S, outCx, outCy, {
      from: 'kernel',
      to: 'output',
      outputChannel: o,
      groupChannel: Cg - 1,
      oy,
      ox,
    });
  }
  return { outlines, halos, lines };
}

/** A line from (x1, y1) to (x2, y2) with a filled head at the end. */
function arrow(palette: Palette, [x1, y1, x2, y2]: [number, number, number, number], S: number): Shape[] {
  const length = Math.hypot(x2 - x1, y2 - y1);
  if (length === 0) return [];
  const ux = (x2 - x1) / length,
    uy = (y2 - y1) / length;
  const head = Math.max(5, S * 0.25);
  const bx = x2 - ux * head,
    by = y2 - uy * head;
  return [
    { kind: 'line', x1, y1, x2: bx, y2: by, stroke: palette.ghost, lineWidth: 1.5 },
    {
      kind: 'polygon',
      points: [x2, y2, bx - uy * head * 0.5, by + ux * head * 0.5, bx + uy * head * 0.5, by - ux * head * 0.5],
      fill: palette.ghost,
    },
  ];
}
