import type { Command } from 'commander';
import { type NetworkDescription, type NetworkLayer, describeNetwork } from '../network/describe-network.js';
import { networkPreset } from '../network/presets.js';
import { solvePadding, tfSamePadding } from '../network/solve.js';
import { readOnnxNetwork } from '../network/onnx-node.js';
import { readWholeFileFor } from './files.js';
import { UsageError, parseNumber, parseShape } from './flags.js';

/** The largest layers file, and the largest model, read. */
const MAX_LAYERS_FILE = 4 * 2 ** 20;
const MAX_ONNX_FILE = 2 ** 30;

interface NetFlags {
  preset?: string;
  layers?: string;
  onnx?: string;
  input?: string;
  json?: boolean;
}

interface SolveFlags {
  input: string;
  output?: string;
  kernel?: string;
  stride?: string;
  padding?: string;
  dilation?: string;
  maxKernel?: string;
  maxDilation?: string;
  tfSame?: boolean;
  json?: boolean;
}

const pairText = (values: number[]) => (values.length === 1 ? String(values[0]) : values.join(' × '));
const strideText = (values: number[]) =>
  pairText(values.map((v) => (Number.isInteger(v) ? v : Number(v.toPrecision(4)))));

/** The description as a table: one row a layer, then the totals and the notes. */
export function formatNetwork(d: NetworkDescription): string {
  const rows = [
    ['layer', 'type', 'output shape', 'receptive field', 'stride', 'padding', 'parameters', 'MACs'],
    ...d.layers.map((l) => [
      l.name,
      l.type,
      `(${l.outputShape.join(', ')})`,
      pairText(l.receptiveField),
      strideText(l.effectiveStride),
      strideText(l.effectivePadding),
      l.parameters.toLocaleString('en-US'),
      l.macs.toLocaleString('en-US'),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) =>
    r.map((cell, c) => (c >= 6 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  '),
  );
  return [
    `input (${d.inputShape.join(', ')})`,
    ...lines,
    `total: ${d.totals.parameters.toLocaleString('en-US')} parameters, ${d.totals.macs.toLocaleString('en-US')} MACs`,
    'receptive field, stride and padding are in input cells (Araujo et al., Distill 2019), per axis',
    ...d.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

/** `convlab net` and `convlab solve`: a network's shapes, fields and cost; the padding solver. */
export function registerNet(program: Command): void {
  program
    .command('net')
    .description(
      'describe a network layer by layer: output shape, receptive field, effective stride and padding, parameters, MACs',
    )
    .option('--preset <name>', 'alexnet, vgg16, resnet18, resnet50, mobilenet_v2, unet-encoder or wavenet')
    .option('--layers <file>', 'a JSON file of layers, as describeNetwork takes them ([{ "type": "conv2d", … }])')
    .option('--onnx <file>', 'an .onnx model: its convolution skeleton (needs the onnx-proto package)')
    .option('--input <shape>', "input shape: C,H,W or N,C,H,W (C,L for 1-D); default: the preset's or the model's")
    .option('--json', 'print the description as JSON')
    .action(async (flags: NetFlags) => {
      const given = [flags.preset, flags.layers, flags.onnx].filter((f) => f !== undefined);
      if (given.length !== 1)
        throw new UsageError(
          '--preset',
          flags.preset ?? '',
          'give one of --preset NAME, --layers FILE or --onnx MODEL',
        );
      let layers: NetworkLayer[];
      let inputShape: number[] | undefined;
      const notes: string[] = [];
      if (flags.preset !== undefined) {
        const preset = networkPreset(flags.preset);
        layers = preset.layers;
        inputShape = preset.inputShape;
      } else if (flags.onnx !== undefined) {
        const model = await readOnnxNetwork(readWholeFileFor('--onnx', flags.onnx, MAX_ONNX_FILE, 'a model'));
        layers = model.layers;
        inputShape = model.inputShape;
        notes.push(...model.notes);
      } else {
        if (flags.input === undefined) throw new UsageError('--input', '', '--input is required with --layers');
        const text = new TextDecoder().decode(
          readWholeFileFor('--layers', flags.layers!, MAX_LAYERS_FILE, 'a layers file'),
        );
        try {
          layers = JSON.parse(text) as NetworkLayer[];
        } catch (error) {
          throw new UsageError('--layers', flags.layers!, `not JSON: ${(error as Error).message}`);
        }
      }
      if (flags.input !== undefined) inputShape = parseShape('--input', flags.input);
      const d = describeNetwork(inputShape!, layers);
      d.notes.unshift(...notes);
      process.stdout.write(flags.json ? `${JSON.stringify(d, null, 2)}\n` : `${formatNetwork(d)}\n`);
    });

  program
    .command('solve')
    .description(
      "list every (kernel, stride, padding, dilation) that turns --input cells into --output cells, smallest first; --tf-same: TensorFlow's 'SAME' as PyTorch padding",
    )
    .requiredOption('--input <n>', 'input size (one axis)')
    .option('--output <n>', 'wanted output size')
    .option('-k, --kernel <k>', 'fix the kernel size')
    .option('-s, --stride <s>', 'fix the stride')
    .option('-p, --padding <p>', 'fix the padding')
    .option('-d, --dilation <d>', 'fix the dilation')
    .option('--max-kernel <k>', 'largest kernel tried when it is not fixed', '11')
    .option('--max-dilation <d>', 'largest dilation tried when it is not fixed', '4')
    .option('--tf-same', "convert TensorFlow's padding='SAME' for --kernel, --stride, --dilation on --input")
    .option('--json', 'print JSON')
    .action((flags: SolveFlags) => {
      const number = (flag: string, text: string | undefined) =>
        text === undefined ? undefined : parseNumber(flag, text);
      const input = parseNumber('--input', flags.input);
      if (flags.tfSame) {
        if (flags.kernel === undefined) throw new UsageError('--kernel', '', '--tf-same needs --kernel');
        const t = tfSamePadding(
          input,
          parseNumber('--kernel', flags.kernel),
          number('--stride', flags.stride),
          number('--dilation', flags.dilation),
        );
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(t, null, 2)}\n`
            : `TensorFlow 'SAME': output ${t.output}, padding ${t.before} before and ${t.after} after\nPyTorch: ${t.pytorch}\n`,
        );
        return;
      }
      if (flags.output === undefined) throw new UsageError('--output', '', '--output is required (or --tf-same)');
      const solutions = solvePadding({
        input,
        output: parseNumber('--output', flags.output),
        ...(flags.kernel === undefined ? {} : { kernelSize: parseNumber('--kernel', flags.kernel) }),
        ...(flags.stride === undefined ? {} : { stride: parseNumber('--stride', flags.stride) }),
        ...(flags.padding === undefined ? {} : { padding: parseNumber('--padding', flags.padding) }),
        ...(flags.dilation === undefined ? {} : { dilation: parseNumber('--dilation', flags.dilation) }),
        maxKernel: parseNumber('--max-kernel', flags.maxKernel!),
        maxDilation: parseNumber('--max-dilation', flags.maxDilation!),
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(solutions, null, 2)}\n`);
        return;
      }
      if (solutions.length === 0) {
        process.stdout.write(
          `no (kernel, stride, padding, dilation) within the bounds gives ${flags.output} from ${input}\n`,
        );
        return;
      }
      process.stdout.write(
        `${solutions.length} ways, smallest kernel first (padding at most dilation·(kernel − 1)):\n` +
          solutions
            .map(
              (s) =>
                `kernel ${s.kernelSize}  stride ${s.stride}  padding ${s.padding}  dilation ${s.dilation}    ${s.formula}`,
            )
            .join('\n') +
          '\n',
      );
    });
}
