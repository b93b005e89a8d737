/**
 * What a frame is made of: rectangles, lines, polygons and text with their positions and colours.
 * Renderers draw these and compute nothing.
 */

/** What a connector joins (for tests and tools; renderers ignore it). */
export type Connector =
  | { from: 'receptive-field'; to: 'kernel'; inputChannel: number; outputChannel: number; groupChannel: number }
  | { from: 'kernel'; to: 'output'; outputChannel: number; groupChannel: number; oy: number; ox: number };

export type Shape =
  | {
      kind: 'rect';
      x: number;
      y: number;
      w: number;
      h: number;
      fill?: string;
      stroke?: string;
      lineWidth?: number;
      dash?: number[];
    }
  | {
      kind: 'line';
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      stroke: string;
      lineWidth: number;
      dash?: number[];
      connector?: Connector;
      halo?: boolean;
    }
  | { kind: 'polygon'; points: number[]; fill: string }
  | {
      kind: 'text';
      x: number;
      y: number;
      text: string;
      size: number;
      color: string;
      align: 'left' | 'center' | 'right';
      bold?: boolean;
    };
