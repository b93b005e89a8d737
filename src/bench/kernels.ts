import { elementCount } from '../core/tensor.js';
import { resolveExecution } from '../core/execution.js';
import { capabilities } from '../engine/capabilities.js';
import { runConv2dAsync } from '../kernels/run.js';
import { selectKernel } from '../kernels/select.js';
import { type KernelBackend, type KernelName, kernelEntry, kernelsSupporting } from '../kernels/table.js';
import { opFlops } from './op-layers.js';
import { type BenchLayer, LAYER_SUITE, benchLayerInfo } from './layers.js';
import { formatTime, measure } from './measure.js';
import { layerTensors } from './time-layer.js';

/**
 * `convlab bench --kernels`: every kernel of the table that supports a layer, timed on that layer —
 * XNNPACK's microbenchmarks in spirit. It answers "is the table's choice the fastest here?" and shows
 * what each kernel is worth; the peers' comparison is `convlab bench` without the flag.
 */

export interface KernelTiming {
  layer: string;
  kernel: KernelName;
  /** Whether the table picks this kernel for the layer (backend 'auto', or 'webgpu' for GPU kernels). */
  chosen: boolean;
  threads: number;
  medianMs: number;
  gflops: number;
}

export interface KernelBenchOptions {
  layers?: string[];
  /** Threads for the WebAssembly kernels (default 1: the kernels themselves, not the pool). */
  threads?: number;
  /** Include the GPU kernels (where an adapter answers). */
  webgpu?: boolean;
  budgetMs?: number;
  onProgress?: (line: string) => void;
}

export async function benchKernels(options: KernelBenchOptions = {}): Promise<KernelTiming[]> {
  const layers = LAYER_SUITE.filter((l: BenchLayer) => !options.layers || options.layers.includes(l.id));
  const { threads } = resolveExecution({ threads: options.threads ?? 1 });
  const caps = await capabilities();
  const backends: KernelBackend[] = ['reference', ...(caps.simd ? ['wasm' as const] : [])];
  if (options.webgpu && caps.webgpu) backends.push('webgpu');
  const progress = options.onProgress ?? (() => {});
  const rows: KernelTiming[] = [];
  for (const layer of layers) {
    const info = benchLayerInfo(layer);
    const { x, w, b } = layerTensors(info);
    const output = new Float32Array(elementCount(info.outputShape));
    const cpuChoice = selectKernel(info, { wasm: caps.simd });
    const gpuChoice = selectKernel(info, { wasm: caps.simd }, 'webgpu');
    for (const kernel of backends.flatMap((backend) => kernelsSupporting(info, backend))) {
      const backend = kernelEntry(kernel)!.backend;
      const kernelThreads = backend === 'wasm' ? threads : 1;
      progress(`${layer.id} ${kernel}${kernelThreads > 1 ? ` (${kernelThreads} threads)` : ''}`);
      const timing = await measure(
        () => runConv2dAsync(info, x.data, w.data, b!.data, output, backend, kernelThreads, kernel),
        { budgetMs: options.budgetMs ?? 1000, minSamples: 3 },
      );
      rows.push({
        layer: layer.id,
        kernel,
        chosen: kernel === cpuChoice || kernel === gpuChoice,
        threads: kernelThreads,
        medianMs: timing.medianMs,
        gflops: opFlops(layer) / timing.medianMs / 1e6,
      });
    }
  }
  return rows;
}

/** One table: a row per (layer, kernel), the table's choice marked, GFLOP/s and speed relative to it. */
export function kernelReportMarkdown(rows: readonly KernelTiming[]): string {
  const lines = ['| layer | kernel | threads | median | GFLOP/s | vs chosen |', '|---|---|---:|---:|---:|---:|'];
  // The CPU kernels (reference and WebAssembly) are compared with the CPU choice, the GPU's with the GPU's.
  const onGpu = (kernel: KernelName) => kernelEntry(kernel)!.backend === 'webgpu';
  for (const row of rows) {
    const chosen = rows.find((r) => r.layer === row.layer && r.chosen && onGpu(r.kernel) === onGpu(row.kernel));
    const ratio = chosen ? `${(chosen.medianMs / row.medianMs).toFixed(2)}×` : '—';
    lines.push(
      `| ${row.layer} | \`${row.kernel}\`${row.chosen ? ' (chosen)' : ''} | ${row.threads} | ${formatTime(row.medianMs)} | ${row.gflops.toFixed(1)} | ${ratio} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
