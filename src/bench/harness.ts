import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, totalmem } from 'node:os';
import { platform } from '../core/platform.js';
import { dirname, join } from 'node:path';
import { capabilities } from '../engine/capabilities.js';
import { writeLayerData } from './data.js';
import { formatTime } from './measure.js';
import { BENCH_SUITE, opFlops } from './op-layers.js';
import { OPTIONAL_PEERS, PEERS } from './peers.js';
import type { RunnerResult } from './runner.js';

/**
 * `npm run bench` / `convlab bench`: every contender on every layer of the suite, in one run, each in
 * its own process, on the same inputs; outputs cross-checked against the reference kernel; medians,
 * GFLOP/s and ratios written to bench/results/latest.{md,json}.
 */

/** Native allocators measured at their best (on the reference machine the first write to a fresh page costs ~11 µs). */
export const GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296';

export interface BenchOptions {
  layers?: string[];
  peers?: string[];
  /** Time budget per (contender, layer) measurement, ms. */
  budgetMs?: number;
  /**
   * Rounds over all contenders (the second in reverse order); each contender keeps its best median.
   * This VM's two cores drift by ±20% over minutes: rounds spread that over every contender alike.
   */
  rounds?: number;
  onProgress?: (line: string) => void;
}

export interface LayerReport {
  id: string;
  description: string;
  flops: number;
  results: Record<string, RunnerResult & { gflops?: number; roundMediansMs?: number[] }>;
}

export interface BenchReport {
  date: string;
  rounds: number;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    v8: string;
    relaxedSimd: boolean;
    glibcTunables: string;
  };
  versions: Record<string, string>;
  peers: { id: string; label: string; native: boolean }[];
  layers: LayerReport[];
}

function siblingScript(name: string): string {
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? `../../dist/bench/${name}` : `./${name}`, here).pathname;
}

/** A dependency's version, from the package.json above its entry (some packages do not export their package.json). */
function packageVersion(name: string): string {
  try {
    let dir = dirname(createRequire(import.meta.url).resolve(name));
    for (;;) {
      const path = join(dir, 'package.json');
      if (existsSync(path)) {
        const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version: string };
        if (pkg.name === name) return pkg.version;
      }
      if (dirname(dir) === dir) return 'unknown';
      dir = dirname(dir);
    }
  } catch {
    return 'not installed';
  }
}

function runPeer(
  peerId: string,
  layers: string[],
  dir: string,
  budgetMs: number,
  onResult: (r: RunnerResult) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [siblingScript('runner.js'), peerId, layers.join(','), dir, String(budgetMs)],
      {
        env: { ...process.env, GLIBC_TUNABLES },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let buffered = '';
    let stderr = '';
    const seen = new Set<string>();
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (!line.startsWith('{')) continue;
        const result = JSON.parse(line) as RunnerResult;
        seen.add(result.layer);
        onResult(result);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => {
      for (const layer of layers) {
        if (!seen.has(layer))
          onResult({
            peer: peerId,
            layer,
            error: `the ${peerId} process exited (${code}) before this layer: ${stderr.trim().split('\n').pop() ?? ''}`,
          });
      }
      resolve();
    });
  });
}

export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const layers = BENCH_SUITE.filter((l) => !options.layers || options.layers.includes(l.id));
  const peers = [...PEERS, ...OPTIONAL_PEERS].filter((p) =>
    options.peers ? options.peers.includes(p.id) : PEERS.includes(p),
  );
  const progress = options.onProgress ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'convlab-bench-'));
  try {
    progress(`preparing ${layers.length} layers (inputs and reference outputs)`);
    for (const layer of layers) writeLayerData(layer, dir);
    const reports: LayerReport[] = layers.map((l) => ({
      id: l.id,
      description: l.description,
      flops: opFlops(l),
      results: {},
    }));
    let done = 0;
    const rounds = options.rounds ?? 2;
    const total = layers.length * peers.length * rounds;
    for (let round = 0; round < rounds; round++) {
      for (const peer of round % 2 === 0 ? peers : [...peers].reverse()) {
        await runPeer(
          peer.id,
          layers.map((l) => l.id),
          dir,
          options.budgetMs ?? 1000,
          (result) => {
            const report = reports.find((r) => r.id === result.layer)!;
            const gflops = result.medianMs ? report.flops / result.medianMs / 1e6 : undefined;
            const previous = report.results[peer.id];
            const roundMediansMs = [...(previous?.roundMediansMs ?? []), ...(result.medianMs ? [result.medianMs] : [])];
            if (!previous || (result.medianMs ?? Infinity) < (previous.medianMs ?? Infinity))
              report.results[peer.id] = { ...result, gflops, roundMediansMs };
            else previous.roundMediansMs = roundMediansMs;
            done++;
            const what = result.medianMs
              ? `${formatTime(result.medianMs)}, ${gflops!.toFixed(1)} GFLOP/s${result.agrees ? '' : ' — OUTPUT DISAGREES'}`
              : result.unsupported
                ? `unsupported: ${result.unsupported}`
                : `failed: ${result.missing ?? result.error}`;
            progress(`[${done}/${total}] ${peer.label.padEnd(20)} ${result.layer.padEnd(4)} ${what}`);
          },
        );
      }
    }
    const { relaxedSimd } = await capabilities();
    return {
      date: new Date().toISOString(),
      rounds,
      machine: {
        cpu: platform().machine,
        cores: platform().cores,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        v8: process.versions.v8,
        relaxedSimd,
        glibcTunables: GLIBC_TUNABLES,
      },
      versions: Object.fromEntries(
        [
          'onnxruntime-node',
          'onnxruntime-web',
          '@tensorflow/tfjs-core',
          '@tensorflow/tfjs-backend-wasm',
          '@tensorflow/tfjs-backend-cpu',
        ]
          .map((name) => [name, packageVersion(name)])
          .concat([
            ['convlab', JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version],
          ]),
      ),
      peers: peers.map((p) => ({ id: p.id, label: p.label, native: p.native })),
      layers: reports,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The report as a Markdown table: GFLOP/s (median time) per contender, and convlab's ratios. */
export function reportMarkdown(report: BenchReport): string {
  const portable = report.peers.filter((p) => !p.native && !p.id.startsWith('convlab'));
  const native = report.peers.filter((p) => p.native);
  const lines = [
    '# convlab benchmark',
    '',
    `${report.date} · ${report.machine.cpu}, ${report.machine.cores} cores, ${report.machine.memoryGiB} GiB · Node ${report.machine.node} (V8 ${report.machine.v8}) · ` +
      `relaxed SIMD ${report.machine.relaxedSimd ? 'on' : 'off'}`,
    '',
    `Versions: ${Object.entries(report.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    `Each cell: GFLOP/s (median time per call) over warm, repeated runs; the better of ${report.rounds} rounds (the second in reverse order), ` +
      `since this machine's speed drifts; every output checked against the reference kernel (✗ = disagrees).`,
    `Native peers ran with GLIBC_TUNABLES=${report.machine.glibcTunables}. FLOPs = 2·N·C_out·H_out·W_out·(C_in/groups)·kH·kW; transposed layers (T) 2·N·C_in·H·W·(C_out/groups)·kH·kW; the backward pass (B) twice its forward pass's (gradInput and gradWeight).`,
    '',
    `| layer | MFLOP | ${report.peers.map((p) => p.label).join(' | ')} | convlab 2T ÷ best portable | convlab best ÷ best native |`,
    `|---|---:|${report.peers.map(() => '---:').join('|')}|---:|---:|`,
  ];
  const time = (r?: RunnerResult) => (r?.medianMs ? r.medianMs : Number.POSITIVE_INFINITY);
  for (const layer of report.layers) {
    const cells = report.peers.map((p) => {
      const r = layer.results[p.id];
      if (!r) return '—';
      if (r.unsupported) return 'n/a';
      if (!r.medianMs) return r.missing ? 'missing' : 'error';
      return `${r.gflops!.toFixed(1)} (${formatTime(r.medianMs)})${r.agrees ? '' : ' ✗'}`;
    });
    const bestPortable = Math.min(...portable.map((p) => time(layer.results[p.id])));
    const bestNative = Math.min(...native.map((p) => time(layer.results[p.id])));
    const ours2 = time(layer.results['convlab-2t']);
    const oursBest = Math.min(ours2, time(layer.results['convlab-1t']));
    const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}×` : '—');
    lines.push(
      `| ${layer.id} | ${(layer.flops / 1e6).toFixed(1)} | ${cells.join(' | ')} | ${ratio(bestPortable, ours2)} | ${ratio(bestNative, oursBest)} |`,
    );
  }
  lines.push('', 'Ratios above 1× mean convlab is faster. Layers:', '');
  for (const layer of report.layers) lines.push(`- ${layer.id}: ${layer.description}`);
  const ours = report.layers
    .map((l) => ({ id: l.id, r: l.results['convlab-2t'] }))
    .filter(({ r }) => r?.detail !== undefined && r.relativeError !== undefined);
  if (ours.length) {
    lines.push(
      '',
      "convlab's kernel on each layer, and its largest error relative to the output's scale (max |Δ| ÷ max |reference|):",
      '',
    );
    for (const { id, r } of ours) lines.push(`- ${id}: \`${r!.detail}\`, ${r!.relativeError!.toExponential(1)}`);
    const winograd = ours.filter(({ r }) => r!.detail!.includes('winograd'));
    if (winograd.length) {
      const worst = winograd.reduce((a, b) => (b.r!.relativeError! > a.r!.relativeError! ? b : a));
      lines.push(
        '',
        `Worst on Winograd: ${worst.r!.relativeError!.toExponential(1)} (${worst.id}); the bound is 1e-4.`,
      );
    }
  }
  const notes = report.layers.flatMap((l) =>
    Object.values(l.results)
      .filter((r) => r.unsupported || r.error || r.missing)
      .map((r) => `- ${l.id}, ${r.peer}: ${r.unsupported ?? r.missing ?? r.error}`),
  );
  if (notes.length) lines.push('', 'Not measured:', '', ...notes);
  return `${lines.join('\n')}\n`;
}

export function writeReport(report: BenchReport, outDir: string): { markdown: string; json: string } {
  mkdirSync(outDir, { recursive: true });
  const markdown = join(outDir, 'latest.md'),
    json = join(outDir, 'latest.json');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, reportMarkdown(report));
  return { markdown, json };
}
