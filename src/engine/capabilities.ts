import { defaultThreads } from '../core/execution.js';
import { platform } from '../core/platform.js';
import { Conv2dError } from '../errors/index.js';
import { threadSupport } from '../kernels/run.js';
import { kernelModule } from '../kernels/wasm/runtime.js';

/** What convlab can use where it runs — found out, not assumed (workers are started, the GPU asked). */
export interface Capabilities {
  /** 'node' or 'browser' (the package entry that was loaded). */
  platform: string;
  cores: number;
  /** WebAssembly SIMD128: the fast CPU kernels. */
  simd: boolean;
  /** Relaxed SIMD (fused multiply-add) in use. */
  relaxedSimd: boolean;
  /** How many threads conv2dAsync can use, and if only one, why. */
  threads: number;
  threadsReason?: string;
  /** Whether a WebGPU adapter answered, and if not, why. */
  webgpu: boolean;
  webgpuReason?: string;
}

/**
 * What this platform offers convlab: the CPU kernels' SIMD flavours, the threads conv2dAsync can
 * really use (workers are started to find out: a page that is not cross-origin isolated, or a bundle
 * that did not ship the worker script, gets one thread and the reason), and whether there is a GPU.
 *
 * @example
 * const caps = await capabilities();
 * const backend = caps.webgpu ? 'webgpu' : 'wasm';
 */
export async function capabilities(): Promise<Capabilities> {
  const { support } = kernelModule();
  const threads = await threadSupport(defaultThreads());
  let webgpu = true;
  let webgpuReason: string | undefined;
  try {
    const { gpuDevice } = await import('../kernels/webgpu/device.js');
    await gpuDevice();
  } catch (error) {
    if (!(error instanceof Conv2dError)) throw error;
    webgpu = false;
    webgpuReason = error.rule;
  }
  return {
    platform: platform().name,
    cores: platform().cores,
    simd: support.available,
    relaxedSimd: support.relaxedSimd,
    threads: threads.threads,
    ...(threads.reason ? { threadsReason: threads.reason } : {}),
    webgpu,
    ...(webgpuReason ? { webgpuReason } : {}),
  };
}
