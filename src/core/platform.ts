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
