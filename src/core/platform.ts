/**
 * What the platform offers, detected once: Node (worker_threads, os) or a browser (Web Workers,
 * navigator). Node's modules are imported dynamically so browsers never load them.
 */
export const IS_NODE = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

const nodeOs = IS_NODE ? await import('node:os') : null;

/** Logical cores available to this process. */
export const CORES: number = nodeOs
  ? nodeOs.availableParallelism()
  : ((globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1);

/** The processor (Node) or the browser, for reports. */
export const MACHINE: string = nodeOs
  ? (nodeOs.cpus()[0]?.model ?? 'unknown processor')
  : ((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent?.match(/(Chrome|Firefox|Safari)\/[\d.]+/)?.[0] ?? 'a browser');

/** The runtime, for reports. */
export const RUNTIME: string = IS_NODE ? `Node ${process.version}` : 'browser';
