import { platform } from '../../core/platform.js';
import { Conv2dError } from '../../errors/index.js';

/** The GPU device, through WebGPU: the platform says where the GPU comes from (navigator.gpu, or dawn.node). */

let devicePromise: Promise<GPUDevice> | null = null;

async function acquire(): Promise<GPUDevice> {
  const gpu = (await platform().gpu()) as GPU | string;
  if (typeof gpu === 'string') throw new Conv2dError('backend', 'webgpu', gpu);
  const adapter = await gpu.requestAdapter();
  if (!adapter)
    throw new Conv2dError(
      'backend',
      'webgpu',
      `no WebGPU adapter was found (${
        platform().name === 'node'
          ? 'in Node on a machine without a GPU, point VK_ICD_FILENAMES at a Vulkan driver such as SwiftShader'
          : 'the browser has WebGPU but no usable GPU, or it is disabled'
      })`,
    );
  // The kernels want more than WebGPU's default limits where the adapter has them: larger
  // workgroup memory for the GEMM tiles, storage buffers as large as the layer's tensors.
  const limits: Record<string, number> = {};
  for (const name of [
    'maxComputeWorkgroupStorageSize',
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeInvocationsPerWorkgroup',
  ] as const) {
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
