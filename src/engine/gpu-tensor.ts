import { type Conv2dCallOptions, resolveConv2dShapes } from '../core/call.js';
import { checkAllocatable, checkTensor, elementCount, type Tensor } from '../core/tensor.js';
import { Conv2dError } from '../errors/index.js';
import { type KernelName, kernelEntry } from '../kernels/table.js';
import type { WebgpuKernel } from '../kernels/webgpu/plan.js';

/**
 * Tensors that stay on the GPU. `conv2dAsync` with `backend: 'webgpu'` uploads its input and reads
 * its output back on every call — 0.15–2.7 ms end to end at batch 1 for 10–30 µs of kernel on an
 * H200. A chain of layers on GPU tensors uploads once (`toDevice`), runs every layer on the GPU
 * (`conv2dGpu`: the output is a new GPU tensor, the next layer's input), and reads back only what is
 * asked for (`read`). Weights are uploaded once per layer and kept while their values stay the same.
 *
 * @example
 * let x = await toDevice(image);                       // (N, C, H, W) on the GPU
 * for (const layer of layers) {
 *   const y = await conv2dGpu(x, layer.weight, layer.bias, { padding: 1 });
 *   x.destroy();                                       // free what the chain no longer needs
 *   x = y;
 * }
 * const result = await x.read();                       // one read-back at the end
 */
/** Each GPU tensor's buffer and device, kept out of the public types (no WebGPU types needed to use convlab). */
const handles = new WeakMap<GpuTensor, { buffer: GPUBuffer | null; device: GPUDevice }>();

export class GpuTensor {
  private constructor(readonly shape: readonly number[]) {}

  /** Copies the tensor back to the CPU. */
  async read(): Promise<Tensor> {
    const { device } = handles.get(this)!;
    const length = elementCount(this.shape);
    const data = new Float32Array(length);
    if (length === 0) return { data, shape: [...this.shape] };
    const staging = device.createBuffer({ size: 4 * length, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(bufferOf(this), 0, staging, 0, 4 * length);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      data.set(new Float32Array(staging.getMappedRange(), 0, length));
      staging.unmap();
    } finally {
      staging.destroy();
    }
    return { data, shape: [...this.shape] };
  }

  /** Frees the GPU memory now (otherwise it goes when the tensor is garbage-collected, at the runtime's pace). */
  destroy(): void {
    const handle = handles.get(this);
    handle?.buffer?.destroy();
    if (handle) handle.buffer = null;
  }
}

/** A new GPU tensor over `buffer`. */
function gpuTensor(shape: readonly number[], buffer: GPUBuffer, device: GPUDevice): GpuTensor {
  const tensor = new (GpuTensor as unknown as new (shape: readonly number[]) => GpuTensor)(shape);
  handles.set(tensor, { buffer, device });
  return tensor;
}

/** A GPU tensor's buffer; refused once the tensor is destroyed. */
function bufferOf(tensor: GpuTensor): GPUBuffer {
  const buffer = handles.get(tensor)?.buffer;
  if (!buffer) throw new Conv2dError('tensor', [...tensor.shape], 'this GPU tensor was destroyed');
  return buffer;
}

async function device(): Promise<GPUDevice> {
  const { gpuDevice } = await import('../kernels/webgpu/device.js');
  return gpuDevice();
}

function storage(gpu: GPUDevice, length: number): GPUBuffer {
  // WebGPU refuses zero-sized buffers: an empty tensor still gets four bytes.
  return gpu.createBuffer({
    size: Math.max(4, 4 * length),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
}

/** Uploads a tensor to the GPU. */
export async function toDevice(tensor: Tensor): Promise<GpuTensor> {
  checkTensor(tensor, 'tensor');
  const gpu = await device();
  const buffer = storage(gpu, tensor.data.length);
  if (tensor.data.length)
    gpu.queue.writeBuffer(buffer, 0, tensor.data.buffer as ArrayBuffer, tensor.data.byteOffset, tensor.data.byteLength);
  return gpuTensor([...tensor.shape], buffer, gpu);
}

/**
 * {@link conv2d} on a GPU tensor, into a new GPU tensor: nothing is read back. The weight and bias
 * are ordinary tensors (uploaded once per layer configuration and kept while unchanged). Options as
 * `conv2d`'s; `activation: 'relu'` fuses a ReLU into the kernel's store (NaN stays NaN, as in
 * PyTorch); `kernel` forces one of the table's GPU kernels (tests, benchmarks).
 */
export async function conv2dGpu(
  input: GpuTensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: Conv2dCallOptions & { kernel?: KernelName; activation?: 'relu' } = {},
): Promise<GpuTensor> {
  if (!(input instanceof GpuTensor))
    throw new Conv2dError('input', input, 'conv2dGpu takes a GPU tensor (from toDevice or conv2dGpu) as its input');
  const source = bufferOf(input); // (refused here if the tensor was destroyed)
  checkTensor(weight, 'weight');
  if (bias) checkTensor(bias, 'bias');
  const { kernel, activation, backend: _backend, threads: _threads, out: _out, ...conv } = options;
  if (activation !== undefined && activation !== 'relu')
    throw new Conv2dError('activation', activation, "activation is 'relu' (fused into the kernel) or left out");
  if (kernel !== undefined && kernelEntry(kernel)?.backend !== 'webgpu')
    throw new Conv2dError(
      'kernel',
      kernel,
      'conv2dGpu runs one of the GPU kernels (webgpu-direct, webgpu-depthwise, webgpu-gemm)',
    );
  const info = resolveConv2dShapes(input.shape, weight.shape, bias ? bias.shape : null, conv);
  checkAllocatable('output', info.outputShape);
  const gpu = handles.get(input)!.device;
  const output = gpuTensor(info.outputShape, storage(gpu, elementCount(info.outputShape)), gpu);
  if (elementCount(info.outputShape) === 0) return output;
  const { withLayer } = await import('../kernels/webgpu/conv.js');
  await withLayer(
    info,
    kernel as WebgpuKernel | undefined,
    (layer) => layer.runResident(source, bufferOf(output), { weight: weight.data, bias: bias ? bias.data : null }),
    activation === 'relu' ? 'relu' : 'none',
  );
  return output;
}
