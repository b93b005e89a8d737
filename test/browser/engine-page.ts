// The engine in Chromium, as a typed program (bundled by test/browser.test.ts with esbuild; every
// import of ../../src/ is served from the built /dist/, so the page runs the package as shipped).
// Every WebAssembly kernel, on the calling thread and on the Web Worker pool, against the reference
// kernel; the renderer on the browser's own canvas.
import { type Case, agreesWithReference } from './seeded.js';
import { THEMES, conv2d, conv2dAsync, createAnimation, drawFrame } from '../../src/entry-browser.js';
import { kernelModule } from '../../src/kernels/wasm/runtime.js';

export interface EnginePageResult {
  isolated: boolean;
  relaxed: boolean;
  available: boolean;
  shared: boolean;
  workersStarted: number;
  /** Every output within 1e-5 + 1e-5·|reference| of the reference kernel's (Winograd: 1e-4 of the output's scale). */
  agrees: boolean;
  drawn: string;
  expectedColour: string;
}

// Count the Web Workers the engine starts (it starts them on first use, after this line).
let workersStarted = 0;
const NativeWorker = globalThis.Worker;
globalThis.Worker = class extends NativeWorker {
  constructor(...args: ConstructorParameters<typeof Worker>) {
    super(...args);
    workersStarted++;
  }
};

const cases: Case[] = [
  [[1, 16, 40, 40], [32, 16, 3, 3], { padding: 1 }, 'scale'], // Winograd
  [[1, 16, 40, 40], [32, 16, 3, 3], { padding: 1, stride: [1, 2] }], // im2col
  [[2, 8, 33, 35], [12, 4, 3, 2], { groups: 2, stride: [2, 1], dilation: 2, padding: 'valid' }],
  [[1, 24, 30, 30], [24, 1, 3, 3], { groups: 24, padding: 1, paddingMode: 'reflect' }],
  [[1, 64, 20, 20], [32, 64, 1, 1], {}],
  // Large enough (over 0.8 ms of estimated work) for conv2dAsync to hand them to the Web Workers.
  [[1, 32, 48, 48], [64, 32, 3, 3], { padding: 1 }, 'scale'], // Winograd
  [[1, 16, 64, 64], [32, 16, 5, 5], { padding: 2 }], // im2col
];
// Every WebAssembly path — the calling thread and the Web Worker pool — against the reference kernel.
const agrees = await agreesWithReference(cases, 7, (x, w, b, options) => [
  conv2d(x, w, b, { ...options, backend: 'wasm' }),
  conv2dAsync(x, w, b, { ...options, threads: 2, backend: 'wasm' }),
]);

// The renderer on the browser's canvas: the current output cell has the theme's colour.
const frame = createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 }).frame(
  4,
);
const canvas = document.createElement('canvas');
canvas.width = frame.width;
canvas.height = frame.height;
const ctx = canvas.getContext('2d')!;
drawFrame(ctx as never, frame);
const cell = frame.shapes.find((s) => s.kind === 'rect' && s.fill === THEMES.light.outputCurrent);
if (cell?.kind !== 'rect') throw new Error('no current output cell in the frame');
const [r, g, bl] = ctx.getImageData(cell.x + cell.w / 2, cell.y + cell.h / 2, 1, 1).data;
const { support } = kernelModule();
const result: EnginePageResult = {
  isolated: crossOriginIsolated,
  relaxed: support.relaxedSimd,
  available: support.available,
  shared: support.sharedMemory,
  workersStarted,
  agrees,
  drawn: `#${[r!, g!, bl!].map((v) => v.toString(16).padStart(2, '0')).join('')}`,
  expectedColour: THEMES.light.outputCurrent,
};
(window as unknown as { result: EnginePageResult }).result = result;
