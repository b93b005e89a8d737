/**
 * What the library asks of the platform it runs on — cores, worker threads over shared memory, the
 * GPU — behind one small object, so that no library module names a Node module or a browser global.
 * The package's entries install the right one (exports conditions: `node` → src/platform/node.ts,
 * `browser`/`default` → src/platform/browser.ts); until one is installed, a platform with one core, no
 * workers and no GPU answers.
 */

/** What a kernel worker is started with: the compiled kernels and the memory it shares. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
}

/** A started kernel worker, in Node or in a browser. */
export interface KernelWorker {
  post(message: unknown): void;
  onMessage(listener: (message: { id: number; error?: string; ready?: boolean }) => void): void;
  onError(listener: (error: Error) => void): void;
  /** Node: whether the worker keeps the process alive (browsers: nothing to do). */
  keepAlive(on: boolean): void;
  terminate(): Promise<unknown>;
}

/**
 * The WebGPU `GPU` object, typed loosely here so that the package's public types need no WebGPU type
 * package (the GPU code casts it to `GPU`).
 */
export interface WebGpuEntry {
  requestAdapter(options?: unknown): Promise<unknown>;
}

export interface Platform {
  /** 'node', 'browser', or 'none' before an entry installs one. */
  readonly name: string;
  /** Logical cores available to this process or page. */
  readonly cores: number;
  /** The processor (Node) or the browser, for reports. */
  readonly machine: string;
  /** The runtime, for reports. */
  readonly runtime: string;
  /** Whether worker threads can share the kernels' memory here (in browsers: a cross-origin isolated page). */
  readonly workers: boolean;
  /** Starts a kernel worker sharing `init.memory`; null where workers cannot share it. */
  startWorker(init: WorkerInit): Promise<KernelWorker | null>;
  /** The WebGPU entry point (a `GPU`: navigator.gpu or dawn.node's), or why there is none, in this platform's words. */
  gpu(): Promise<WebGpuEntry | string>;
}

const NONE: Platform = {
  name: 'none',
  cores: 1,
  machine: 'unknown',
  runtime: 'unknown',
  workers: false,
  startWorker: async () => null,
  gpu: async () =>
    "no platform is installed: import convlab through its package entry ('convlab'), which installs the Node or browser one",
};

let current: Platform = NONE;

/** The platform in use. */
export function platform(): Platform {
  return current;
}

/** Installs the platform the package entry chose (the Node or the browser one). */
export function setPlatform(next: Platform): void {
  current = next;
}

/** Settings a page may give convlab before its first threaded call. */
export interface ConvlabSettings {
  /**
   * Where the browser worker script is, for bundlers that do not bundle workers (esbuild): copy
   * `convlab/dist/convlab-worker.js` beside your bundle and pass its URL. Vite and webpack find the
   * worker themselves.
   */
  workerUrl?: string | URL;
}

const settings: ConvlabSettings = {};

/** Changes convlab's settings (see {@link ConvlabSettings}). */
export function configure(next: ConvlabSettings): void {
  Object.assign(settings, next);
}

/** The settings in force. */
export function currentSettings(): Readonly<ConvlabSettings> {
  return settings;
}
