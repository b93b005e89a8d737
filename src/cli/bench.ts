import type { Command } from 'commander';
import { BENCH_SUITE } from '../bench/op-layers.js';
import { OPTIONAL_PEERS, PEERS } from '../bench/peers.js';
import { prepareOutputFolder } from './files.js';
import { UsageError, parseNumber } from './flags.js';

interface BenchFlags {
  layers?: string;
  peers?: string;
  out?: string;
  budgetMs: string;
  rounds: string;
  backend?: string;
  kernels?: boolean;
  threads?: string;
}

function pick(flag: string, text: string | undefined, known: readonly string[]): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((s) => s.trim());
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length)
    throw new UsageError(flag, text, `unknown: ${unknown.join(', ')}; choose from ${known.join(', ')}`);
  return names;
}

/** `convlab bench`: the layer suite against the peers, with progress on stderr; the report on stdout (and in --out DIR). Peers are optional peer dependencies: those not installed are reported so. */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'benchmark convlab against onnxruntime (node, web) and TensorFlow.js (wasm, cpu) on the layer suite (forward L1–L10, transposed T1–T2, backward B2, B4)',
    )
    .option('--layers <ids>', `comma-separated layer ids (${BENCH_SUITE.map((l) => l.id).join(',')})`)
    .option('--peers <ids>', `comma-separated contenders (${[...PEERS, ...OPTIONAL_PEERS].map((p) => p.id).join(',')})`)
    .option('--backend <name>', "'webgpu' adds convlab on the GPU (where an adapter exists) to the contenders")
    .option('--out <dir>', 'also write the report to DIR/latest.md and DIR/latest.json')
    .option('--budget-ms <ms>', 'time budget per contender, layer and round', '1000')
    .option('--rounds <n>', 'rounds over all contenders; each keeps its best median', '2')
    .option('--kernels', "instead of the peers: time every kernel of convlab's table that supports each layer")
    .option('--threads <n>', 'threads for the WebAssembly kernels with --kernels', '1')
    .action(async (flags: BenchFlags) => {
      const layers = pick(
        '--layers',
        flags.layers,
        BENCH_SUITE.map((l) => l.id),
      );
      let peers = pick(
        '--peers',
        flags.peers,
        [...PEERS, ...OPTIONAL_PEERS].map((p) => p.id),
      );
      if (flags.backend !== undefined) {
        if (flags.backend !== 'webgpu')
          throw new UsageError('--backend', flags.backend, "--backend adds 'webgpu' to the contenders");
        peers = [...(peers ?? PEERS.map((p) => p.id)), 'convlab-webgpu'];
      }
      const budgetMs = Number(flags.budgetMs);
      if (!Number.isFinite(budgetMs) || budgetMs <= 0)
        throw new UsageError('--budget-ms', flags.budgetMs, '--budget-ms takes a positive number of milliseconds');
      if (flags.kernels) {
        if (flags.peers !== undefined)
          throw new UsageError('--peers', flags.peers, "--kernels times convlab's own kernels: leave out --peers");
        const threads = parseNumber('--threads', flags.threads ?? '1');
        const { benchKernels, kernelReportMarkdown } = await import('../bench/kernels.js');
        const rows = await benchKernels({
          layers,
          threads,
          webgpu: flags.backend === 'webgpu',
          budgetMs,
          onProgress: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(kernelReportMarkdown(rows));
        return;
      }
      const rounds = Number(flags.rounds);
      if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10)
        throw new UsageError('--rounds', flags.rounds, '--rounds takes an integer from 1 to 10');
      // Checked before the benchmark runs (minutes), not after.
      if (flags.out !== undefined) prepareOutputFolder('--out', flags.out);
      const { runBench, writeReport, reportMarkdown } = await import('../bench/harness.js');
      const report = await runBench({
        layers,
        peers,
        budgetMs,
        rounds,
        onProgress: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(reportMarkdown(report));
      if (flags.out !== undefined) {
        const { markdown, json } = writeReport(report, flags.out);
        process.stdout.write(`\nwrote ${markdown} and ${json}\n`);
      }
    });
}
