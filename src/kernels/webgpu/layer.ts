import type { Conv2dInfo } from '../../core/resolve.js';
import { Conv2dError } from '../../errors/index.js';
import { elementCount } from '../../core/tensor.js';
import { sameBits } from '../../core/compare.js';
import { depthwiseWgsl, depthwiseWorkgroupCount } from './depthwise.js';
import { gpuDevice } from './device.js';
import { directConvWgsl, directWorkgroupCount } from './direct.js';
import {
  gemmPackedLength,
  gemmWgsl,
  gemmWorkgroupCount,
  packGemmWeight,
  splitKReduceWgsl,
  splitKReduceWorkgroupCount,
} from './gemm.js';
import { type WebgpuPlan, planWebgpu } from './plan.js';
import type { Epilogue } from './wgsl.js';

/**
 * One conv2d configuration made ready on the GPU: its compiled pipelines (cached by source, so two
 * layers with one configuration share them), its buffers (input, output, split-K partials, the
 * read-back buffer) and its weights — packed and uploaded once, and uploaded again only when their
 * values change. `run` then costs one upload of the input, the dispatches and one read-back.
 */

const MAX_WORKGROUPS_PER_DIMENSION = 65535;
const pipelines = new Map<string, GPUComputePipeline>();
let bindGroupLayout: { device: GPUDevice; layout: GPUBindGroupLayout; pipelineLayout: GPUPipelineLayout } | null = null;

/** Every convlab kernel binds three read-only buffers and one it writes. */
function layouts(device: GPUDevice): { layout: GPUBindGroupLayout; pipelineLayout: GPUPipelineLayout } {
  if (bindGroupLayout?.device !== device) {
    const readOnly = (binding: number): GPUBindGroupLayoutEntry => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: 'read-only-storage' },
    });
    const layout = device.createBindGroupLayout({
      entries: [
        readOnly(0),
        readOnly(1),
        readOnly(2),
        { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      ],
    });
    bindGroupLayout = { device, layout, pipelineLayout: device.createPipelineLayout({ bindGroupLayouts: [layout] }) };
    pipelines.clear();
  }
  return bindGroupLayout;
}

function forgetPipelines(codes: string[]): void {
  for (const code of codes) pipelines.delete(code);
}

function pipelineFor(device: GPUDevice, code: string): GPUComputePipeline {
  const { pipelineLayout } = layouts(device);
  let pipeline = pipelines.get(code);
  if (!pipeline) {
    pipeline = device.createComputePipeline({
      layout: pipelineLayout,
      compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
    });
    pipelines.set(code, pipeline);
  }
  return pipeline;
}

/** Workgroups as (x, y) within WebGPU's 65 535 a dimension; the kernels linearise them back. */
function fold(workgroups: number): [number, number] {
  const x = Math.min(workgroups, MAX_WORKGROUPS_PER_DIMENSION);
  return [x, Math.ceil(workgroups / x)];
}

/** Byte sizes rounded up to 16 (and at least 16: WebGPU refuses empty bindings). */
function bytes(floats: number): number {
  return Math.max(16, Math.ceil((floats * 4) / 16) * 16);
}

interface Pass {
  pipeline: GPUComputePipeline;
  workgroups: [number, number];
  /** Binding 0 and 3: the pass reads the layer's input (or the partials) and writes the output (or the partials). */
  reads: 'input' | 'partials';
  writes: 'output' | 'partials';
}

export class WebgpuConv {
  readonly info: Conv2dInfo;
  readonly plan: WebgpuPlan;
  readonly device: GPUDevice;
  readonly #passes: Pass[];
  /** The WGSL sources of the passes. */
  readonly codes: string[] = [];
  readonly #buffers: {
    input: GPUBuffer;
    output: GPUBuffer;
    partials: GPUBuffer | null;
    readBack: GPUBuffer;
    weight: GPUBuffer;
    bias: GPUBuffer;
  };
  readonly #outputLength: number;
  readonly #bindGroups: GPUBindGroup[];
  /** The weight and bias last uploaded (the caller's arrays) and a copy of their values then. */
  #uploaded: {
    weight: Float32Array;
    bias: Float32Array | null;
    weightCopy: Float32Array;
    biasCopy: Float32Array | null;
  } | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #destroyed = false;

  /**
   * Compiles (or finds) the pipelines and allocates the buffers for `info`. A kernel the GPU refuses
   * (its validation errors are captured here) is an error, never a layer that computes garbage.
   */
  static async create(info: Conv2dInfo, plan?: WebgpuPlan, epilogue: Epilogue = 'none'): Promise<WebgpuConv> {
    const device = await gpuDevice();
    device.pushErrorScope('validation');
    let layer: WebgpuConv | null = null;
    let thrown: unknown = null;
    try {
      layer = new WebgpuConv(device, info, plan ?? planWebgpu(info, undefined, undefined, device.limits), epilogue);
    } catch (error) {
      thrown = error;
    }
    // The scope is popped whatever happened; a validation error the GPU reports wins over a thrown one.
    const error = await device.popErrorScope();
    if (error) {
      layer?.destroy();
      forgetPipelines(layer?.codes ?? []);
      throw new Conv2dError(
        'backend',
        'webgpu',
        `the GPU refused the kernel generated for this layer: ${error.message.split('\n')[0]}`,
      );
    }
    if (thrown) throw thrown;
    return layer!;
  }

  private constructor(device: GPUDevice, info: Conv2dInfo, plan: WebgpuPlan, epilogue: Epilogue) {
    this.device = device;
    this.info = info;
    this.plan = plan;
    const inputLength = info.batch * info.inChannels * info.inHeight * info.inWidth;
    this.#outputLength = elementCount(info.outputShape);
    const splitK = plan.tile?.splitK ?? 1;
    const weightLength =
      plan.kernel === 'webgpu-gemm' ? gemmPackedLength(info, plan.tile!) : info.outChannels * info.taps;
    const limit = device.limits.maxStorageBufferBindingSize;
    for (const [name, floats] of [
      ['input', inputLength],
      ['output', this.#outputLength * splitK],
      ['weight', weightLength],
    ] as const) {
      if (floats * 4 > limit) {
        throw new Conv2dError(
          name,
          `${floats} values (${((floats * 4) / 2 ** 20).toFixed(1)} MiB)`,
          `is larger than this GPU's largest storage buffer (${(limit / 2 ** 20).toFixed(0)} MiB); use a CPU backend or a smaller batch`,
        );
      }
    }
    const storage = (floats: number, usage: number): GPUBuffer =>
      device.createBuffer({ size: bytes(floats), usage: GPUBufferUsage.STORAGE | usage });
    this.#buffers = {
      input: storage(inputLength, GPUBufferUsage.COPY_DST),
      output: storage(this.#outputLength, GPUBufferUsage.COPY_SRC),
      partials: splitK > 1 ? storage(this.#outputLength * splitK, 0) : null,
      readBack: device.createBuffer({
        size: bytes(this.#outputLength),
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      }),
      weight: storage(weightLength, GPUBufferUsage.COPY_DST),
      bias: storage(info.hasBias ? info.outChannels : 4, GPUBufferUsage.COPY_DST),
    };
    const pipeline = (code: string): GPUComputePipeline => {
      this.codes.push(code);
      return pipelineFor(device, code);
    };
    if (plan.kernel === 'webgpu-gemm') {
      const tile = plan.tile!;
      this.#passes = [
        {
          pipeline: pipeline(gemmWgsl(info, tile, epilogue)),
          workgroups: fold(gemmWorkgroupCount(info, tile)),
          reads: 'input',
          writes: splitK > 1 ? 'partials' : 'output',
        },
      ];
      if (splitK > 1) {
        this.#passes.push({
          pipeline: pipeline(splitKReduceWgsl(info, splitK, epilogue)),
          workgroups: fold(splitKReduceWorkgroupCount(info)),
          reads: 'partials',
          writes: 'output',
        });
      }
    } else if (plan.kernel === 'webgpu-depthwise') {
      this.#passes = [
        {
          pipeline: pipeline(depthwiseWgsl(info, epilogue)),
          workgroups: fold(depthwiseWorkgroupCount(info)),
          reads: 'input',
          writes: 'output',
        },
      ];
    } else {
      this.#passes = [
        {
          pipeline: pipeline(directConvWgsl(info, epilogue)),
          workgroups: fold(directWorkgroupCount(info)),
          reads: 'input',
          writes: 'output',
        },
      ];
    }
    const { layout } = layouts(device);
    this.#bindGroups = this.#passes.map((pass) =>
      device.createBindGroup({
        layout,
        entries: [
          this.#buffers[pass.reads]!,
          this.#buffers.weight,
          this.#buffers.bias,
          this.#buffers[pass.writes]!,
        ].map((buffer, binding) => ({ binding, resource: { buffer } })),
      }),
    );
  }

  /**
   * Makes `weight` and `bias` the layer's parameters on the GPU. They are uploaded when they are not
   * the arrays (with the values) uploaded last time: the check compares against a copy, so a caller
   * who edits a weight array in place gets the new values, never stale ones.
   */
  useWeights(weight: Float32Array, bias: Float32Array | null): void {
    const last = this.#uploaded;
    if (
      last &&
      last.weight === weight &&
      last.bias === bias &&
      sameBits(weight, last.weightCopy) &&
      (!bias || sameBits(bias, last.biasCopy!))
    )
      return;
    const packed = this.plan.kernel === 'webgpu-gemm' ? packGemmWeight(this.info, this.plan.tile!, weight) : weight;
    this.device.queue.writeBuffer(
      this.#buffers.weight,
      0,
      packed.buffer as ArrayBuffer,
      packed.byteOffset,
      packed.byteLength,
    );
    if (bias)
      this.device.queue.writeBuffer(
        this.#buffers.bias,
        0,
        bias.buffer as ArrayBuffer,
        bias.byteOffset,
        bias.byteLength,
      );
    this.#uploaded = { weight, bias, weightCopy: weight.slice(), biasCopy: bias ? bias.slice() : null };
  }

  /** Records the layer's dispatches into `encoder` (one compute pass; timestamps around it if given). */
  encode(encoder: GPUCommandEncoder, timestampWrites?: GPUComputePassTimestampWrites): void {
    const pass = encoder.beginComputePass(timestampWrites ? { timestampWrites } : undefined);
    this.#passes.forEach(({ pipeline, workgroups }, i) => {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, this.#bindGroups[i]!);
      pass.dispatchWorkgroups(...workgroups);
    });
    pass.end();
  }

  /**
   * Uploads `input` (and `weights`, if given and changed: see {@link useWeights}), runs the layer and
   * reads the result into `output`. Runs on one layer happen one after another, in call order.
   */
  run(
    input: Float32Array,
    output: Float32Array,
    weights?: { weight: Float32Array; bias: Float32Array | null },
  ): Promise<void> {
    const run = this.#queue.then(async () => {
      if (this.#destroyed) throw new Error('convlab: this GPU layer was released');
      if (weights) this.useWeights(weights.weight, weights.bias);
      const { device } = this;
      device.queue.writeBuffer(this.#buffers.input, 0, input.buffer as ArrayBuffer, input.byteOffset, input.byteLength);
      const encoder = device.createCommandEncoder();
      this.encode(encoder);
      encoder.copyBufferToBuffer(this.#buffers.output, 0, this.#buffers.readBack, 0, this.#buffers.readBack.size);
      device.queue.submit([encoder.finish()]);
      await this.#buffers.readBack.mapAsync(GPUMapMode.READ);
      try {
        output.set(new Float32Array(this.#buffers.readBack.getMappedRange(), 0, this.#outputLength));
      } finally {
        this.#buffers.readBack.unmap();
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs the layer from `input` into `output`, both buffers that stay on the GPU (GPU-resident
   * tensors): nothing is uploaded but changed weights, nothing read back. The work is queued in call
   * order; the returned promise settles once it is submitted (later GPU work on `output` runs after).
   */
  runResident(
    input: GPUBuffer,
    output: GPUBuffer,
    weights: { weight: Float32Array; bias: Float32Array | null },
  ): Promise<void> {
    const run = this.#queue.then(() => {
      if (this.#destroyed) throw new Error('convlab: this GPU layer was released');
      this.useWeights(weights.weight, weights.bias);
      const { device } = this;
      const { layout } = layouts(device);
      const buffer = (name: Pass['reads'] | Pass['writes']) =>
        name === 'input' ? input : name === 'output' ? output : this.#buffers[name]!;
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      this.#passes.forEach(({ pipeline, workgroups, reads, writes }) => {
        pass.setPipeline(pipeline);
        pass.setBindGroup(
          0,
          device.createBindGroup({
            layout,
            entries: [buffer(reads), this.#buffers.weight, this.#buffers.bias, buffer(writes)].map(
              (resource, binding) => ({ binding, resource: { buffer: resource } }),
            ),
          }),
        );
        pass.dispatchWorkgroups(...workgroups);
      });
      pass.end();
      device.queue.submit([encoder.finish()]);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The kernels' own time, µs, for each of `runs` back-to-back runs on the input already on the GPU:
   * GPU timestamps around each run's compute pass where the device has them ('timestamps'), else
   * the wall time of all the runs in one submission divided by their number ('wall', one value).
   */
  async timeKernels(runs: number): Promise<{ source: 'timestamps' | 'wall'; microseconds: number[] }> {
    const { device } = this;
    if (!device.features.has('timestamp-query')) {
      const encoder = device.createCommandEncoder();
      for (let i = 0; i < runs; i++) this.encode(encoder);
      const start = performance.now();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      return { source: 'wall', microseconds: [((performance.now() - start) * 1000) / runs] };
    }
    const querySet = device.createQuerySet({ type: 'timestamp', count: 2 * runs });
    const resolved = device.createBuffer({
      size: 16 * runs,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    const read = device.createBuffer({ size: 16 * runs, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const encoder = device.createCommandEncoder();
      for (let i = 0; i < runs; i++)
        this.encode(encoder, { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 });
      encoder.resolveQuerySet(querySet, 0, 2 * runs, resolved, 0);
      encoder.copyBufferToBuffer(resolved, 0, read, 0, 16 * runs);
      device.queue.submit([encoder.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const stamps = new BigUint64Array(read.getMappedRange().slice(0));
      read.unmap();
      return {
        source: 'timestamps',
        microseconds: Array.from({ length: runs }, (_, i) => Number(stamps[2 * i + 1]! - stamps[2 * i]!) / 1000),
      };
    } finally {
      querySet.destroy();
      resolved.destroy();
      read.destroy();
    }
  }

  /** Frees the layer's GPU buffers now (the pipelines stay cached). */
  destroy(): void {
    this.#destroyed = true;
    for (const buffer of Object.values(this.#buffers)) buffer?.destroy();
  }

  /** GPU memory the layer holds, bytes. */
  get bytes(): number {
    return Object.values(this.#buffers).reduce((sum, buffer) => sum + (buffer?.size ?? 0), 0);
  }
}
