import { IS_NODE } from '../../core/platform.js';
import { Conv2dError } from '../../errors/index.js';

/**
 * The GPU, through WebGPU: `navigator.gpu` in browsers, the optional `webgpu` package (dawn.node) in
 * Node. The object dawn.node's `create()` returns is kept for the life of the process: if it were
 * garbage-collected, dawn.node would crash at the next await (../shared/GPU.md).
 */

/** dawn.node's GPU object, held so it is never collected (read by nothing else, on purpose). */
export let keepAlive: unknown = null;
let devicePromise: Promise<GPUDevice> | null = null;

async function acquire(): Promise<GPUDevice> {
  let gpu: GPU | undefined;
  if (IS_NODE) {
    let webgpu: { create(flags: string[]): GPU; globals: Record<string, unknown> };
    try {
      webgpu = (await import('webgpu')) as never;
    } catch {
      throw new Conv2dError('backend', 'webgpu', "WebGPU in Node needs the optional dependency 'webgpu' (npm install webgpu)");
    }
    Object.assign(globalThis, webgpu.globals);
    // Dawn rounds GPU timestamps to 100 µs by default (a browser's guard against timing attacks);
    // a Node process measures its own kernels, so it asks for them unrounded.
    gpu = webgpu.create(['disable-dawn-features=timestamp_quantization']);
    keepAlive = gpu;
  } else {
    gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  }
  if (!gpu) throw new Conv2dError('backend', 'webgpu', 'this platform has no WebGPU (navigator.gpu is missing)');
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    throw new Conv2dError('backend', 'webgpu', 'no WebGPU adapter was found (in Node on a machine without a GPU, point VK_ICD_FILENAMES at a Vulkan driver such as SwiftShader)');
  }
  // The kernels want more than WebGPU's default limits where the adapter has them: larger
  // workgroup memory for the GEMM tiles, storage buffers as large as the layer's tensors.
  const limits: Record<string, number> = {};
  for (const name of ['maxComputeWorkgroupStorageSize', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeInvocationsPerWorkgroup'] as const) {
    limits[name] = adapter.limits[name];
  }
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  const device = await adapter.requestDevice({ requiredLimits: limits, requiredFeatures });
  // A lost device is reported once and acquired afresh on the next call.
  void device.lost.then(() => {
    devicePromise = null;
  });
  return device;
}

/** The device, acquired once; a failure is reported and retried on the next call. */
export function gpuDevice(): Promise<GPUDevice> {
  if (!devicePromise) {
    devicePromise = acquire().catch((error) => {
      devicePromise = null;
      throw error;
    });
  }
  return devicePromise;
}
