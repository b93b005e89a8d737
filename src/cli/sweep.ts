import { join } from 'node:path';
import type { Command } from 'commander';
import {
  SWEEP_ARGUMENTS,
  type Contender,
  type SweepArgument,
  type SweepBase,
  type SweepSpec,
  type SweepValue,
  MAX_SWEEP_VALUES,
  sweepBase,
} from '../analysis/sweep.js';
import type { LayerOptions } from '../core/describe.js';
import {
  UsageError,
  addConvFlags,
  convOptionsFromFlags,
  parseIntPair,
  parseNumber,
  parseShape,
  type LayerFlagValues,
} from './flags.js';
import { prepareOutputFolder, writeFileAtomically } from './files.js';
import { progressReporter } from './progress.js';
import { checkLang } from '../viz/i18n.js';
import { loadOptional } from '../errors/index.js';

interface SweepFlags extends LayerFlagValues {
  preset?: string;
  vary?: string;
  x?: string;
  backend: string;
  threads: string;
  budgetS: string;
  compare?: string;
  outDir?: string;
  lang: string;
}

/** `1,3,5` · `3x3,5x5` (pairs) · `1..256:pow2` · `1..9` · `1..9:2` · `zeros,reflect` · `true,false`. */
export function parseValues(flag: string, text: string): SweepValue[] {
  const range = /^(\d+)\.\.(\d+)(?::(pow2|\d+))?$/.exec(text.trim());
  if (range) {
    const from = Number(range[1]),
      to = Number(range[2]),
      step = range[3] ?? '1';
    if (from > to || from < 1) throw new UsageError(flag, text, 'a range goes up: FROM..TO with 1 ≤ FROM ≤ TO');
    if (step !== 'pow2' && Number(step) < 1) throw new UsageError(flag, text, 'a range steps by at least 1');
    // Counted before any value is made: 1..100000000 is refused at once, not after building it.
    const count =
      step === 'pow2' ? Math.floor(Math.log2(to / from) + 1e-9) + 1 : Math.floor((to - from) / Number(step)) + 1;
    if (count > MAX_SWEEP_VALUES)
      throw new UsageError(flag, text, `a sweep takes at most ${MAX_SWEEP_VALUES} values; this range has ${count}`);
    return Array.from({ length: count }, (_, i) => (step === 'pow2' ? from * 2 ** i : from + i * Number(step)));
  }
  const parts = text.split(',');
  if (parts.length > MAX_SWEEP_VALUES)
    throw new UsageError(
      flag,
      `${text.slice(0, 40)}…`,
      `a sweep takes at most ${MAX_SWEEP_VALUES} values; this list has ${parts.length}`,
    );
  return parts.map((part) => {
    const item = part.trim();
    if (/^\d+x\d+$/.test(item)) {
      const [h, w] = item.split('x').map(Number) as [number, number];
      return [h, w] as [number, number];
    }
    if (/^-?\d+(\.\d+)?$/.test(item)) return Number(item);
    if (item === 'true' || item === 'false') return item === 'true';
    if (/^[a-z]+$/.test(item)) return item;
    throw new UsageError(
      flag,
      text,
      `cannot read '${item}': values are integers, HxW pairs, words, or a range FROM..TO[:pow2|:STEP]`,
    );
  });
}

/** `ARG=VALUES`. */
export function parseAxis(flag: string, text: string): { argument: SweepArgument; values: SweepValue[] } {
  const at = text.indexOf('=');
  const argument = text.slice(0, at);
  if (at < 0 || !(SWEEP_ARGUMENTS as readonly string[]).includes(argument)) {
    throw new UsageError(flag, text, `${flag} takes ARG=VALUES with ARG one of ${SWEEP_ARGUMENTS.join(', ')}`);
  }
  return { argument: argument as SweepArgument, values: parseValues(flag, text.slice(at + 1)) };
}

function baseFromFlags(flags: SweepFlags): SweepBase {
  return sweepBase(parseShape('--input', flags.input), {
    ...convOptionsFromFlags(flags),
    outChannels: parseNumber('--out-channels', flags.outChannels),
    kernelSize: parseIntPair('--kernel-size', flags.kernelSize),
    bias: flags.bias,
  } as LayerOptions);
}

const progress = (label: string) =>
  progressReporter(
    (done, total, remainingMs: number) =>
      `${label}: point ${done}/${total}, about ${Math.ceil(remainingMs / 1000)} s left`,
  );

/** `convlab sweep`: parameters and time as arguments grow; charts (SVG, PNG), CSV and JSON, and what the slopes say. */
export function registerSweep(program: Command): void {
  const command = program
    .command('sweep')
    .description(
      "how parameters and time grow with each argument: charts, CSV/JSON, slopes; --preset article makes the article's seven figures",
    )
    .option('--preset <name>', "'article': the article's seven figures")
    .option('--vary <arg=values>', `one line per value; ARG one of ${SWEEP_ARGUMENTS.join(', ')}`)
    .option('--x <arg=values>', 'the x axis, e.g. out-channels=1..256:pow2')
    .option(
      '--input <shape>',
      'base input shape: C,H,W or N,C,H,W (the base layer; the swept arguments override it)',
      '16,64,64',
    )
    .option('--out-channels <n>', 'base output channels', '16')
    .option('-k, --kernel-size <k>', 'base kernel size', '3');
  addConvFlags(command)
    .option('--no-bias', 'the layers have no bias')
    .option('--backend <name>', "convlab's backend: auto, reference or wasm", 'auto')
    .option('--threads <n>', 'threads for convlab', '1')
    .option('--budget-s <s>', 'time budget for the whole sweep, seconds', '60')
    .option('--compare <peer>', "add a peer's line: 'onnxruntime'")
    .option('--out-dir <dir>', 'where to write <figure>.svg, .png, .csv, .json')
    .option('--lang <lang>', "language of the chart's words: 'en' or 'zh' (Simplified Chinese)", 'en')
    .action(async (flags: SweepFlags) => {
      const budgetS = parseNumber('--budget-s', flags.budgetS);
      const lang = checkLang(flags.lang);
      if (!(budgetS > 0 && budgetS <= 3600))
        throw new UsageError('--budget-s', flags.budgetS, '--budget-s takes seconds from 1 to 3600');
      if (!flags.outDir) throw new UsageError('--out-dir', '', '--out-dir DIR is required');
      const threads = parseNumber('--threads', flags.threads);
      if (flags.compare !== undefined && flags.compare !== 'onnxruntime')
        throw new UsageError('--compare', flags.compare, "the peer to compare with is 'onnxruntime'");

      const { runSweep, convlabContender } = await import('../analysis/sweep.js');
      // The contender checks threads and backend (before the specs are built: nothing runs first).
      const contenders: Contender[] = [convlabContender(threads, flags.backend as 'auto')];
      const { articlePresets, sweepTitle } = await import('../analysis/presets.js');
      let specs: SweepSpec[];
      // The article's presets get the default budget of three minutes unless --budget-s is given.
      const budgetMs = (flags.preset && flags.budgetS === '60' ? 180 : budgetS) * 1000;
      if (flags.preset !== undefined) {
        if (flags.preset !== 'article') throw new UsageError('--preset', flags.preset, "the only preset is 'article'");
        specs = articlePresets(budgetMs);
      } else {
        if (!flags.x) throw new UsageError('--x', '', '--x ARG=VALUES is required (or use --preset article)');
        const x = parseAxis('--x', flags.x);
        const vary = flags.vary ? parseAxis('--vary', flags.vary) : undefined;
        const spec = {
          id: `sweep-${vary ? `${vary.argument}-` : ''}${x.argument}`,
          base: baseFromFlags(flags),
          x,
          ...(vary ? { vary } : {}),
        };
        specs = [{ ...spec, title: sweepTitle(spec) }];
      }
      if (flags.compare) {
        await loadOptional(
          () => import('onnxruntime-node'),
          ['onnxruntime-node'],
          'convlab sweep --compare onnxruntime',
        );
        await loadOptional(() => import('onnx-proto'), ['onnx-proto'], 'convlab sweep --compare onnxruntime');
        const { onnxruntimeContender } = await import('../analysis/peers.js');
        contenders.push(onnxruntimeContender(threads));
      }
      const { chartSpec } = await import('../analysis/chart.js');
      const { renderSvg, svgToPng, checkChartPackages } = await import('../analysis/chart-node.js');
      await checkChartPackages('convlab sweep');
      const { explain } = await import('../analysis/explain.js');
      const { toCsv, toJson } = await import('../analysis/data.js');
      prepareOutputFolder('--out-dir', flags.outDir);
      for (const spec of specs) {
        const result = await runSweep(spec, {
          contenders,
          budgetMs: budgetMs / specs.length,
          onProgress: progress(spec.id),
        });
        const svg = await renderSvg(chartSpec(result, lang));
        const stem = join(flags.outDir, spec.id);
        writeFileAtomically('--out-dir', `${stem}.svg`, new TextEncoder().encode(svg));
        writeFileAtomically('--out-dir', `${stem}.png`, await svgToPng(svg));
        writeFileAtomically('--out-dir', `${stem}.csv`, new TextEncoder().encode(toCsv(result)));
        writeFileAtomically('--out-dir', `${stem}.json`, new TextEncoder().encode(toJson(result)));
        process.stdout.write(
          `\n${spec.title}\n${explain(result)
            .map((line) => `  ${line}`)
            .join('\n')}\n  wrote ${stem}.{svg,png,csv,json} (${(result.meta.elapsedMs / 1000).toFixed(1)} s)\n`,
        );
      }
    });
}
