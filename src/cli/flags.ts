import { type Command, Option } from 'commander';
import { type ConvlabError, MissingPackageError, formatValue } from '../errors/index.js';
import { UsageError, parseIntPair, parseNumber, parsePadding, parseShape } from '../core/text-arguments.js';

export { UsageError, parseIntPair, parseNumber, parsePadding, parseShape };

/**
 * The layer flags shared by `convlab shape`, `forward`, `gif`, `frame` and `sweep`. Each maps onto
 * one API option; the values are only parsed from text here — every rule lives in the library, so a
 * flag and an option are refused with the same words.
 */

/** API argument name → the flag that sets it, for error messages. */
export const FLAG_FOR_ARGUMENT: Record<string, string> = {
  inputShape: '--input',
  outChannels: '--out-channels',
  kernelSize: '--kernel-size',
  stride: '--stride',
  padding: '--padding',
  outputPadding: '--output-padding',
  dilation: '--dilation',
  groups: '--groups',
  paddingMode: '--padding-mode',
  bias: '--bias',
  input: '--input',
  mode: '--mode',
  theme: '--theme',
  cellSize: '--cell-size',
  batch: '--batch',
  step: '--step',
  lang: '--lang',
  title: '--title',
  maxFrames: '--max-frames',
  preset: '--preset',
  layer: '--layer',
  weight: '--weight',
  output: '--output',
  threads: '--threads',
  sheet: '--sheet',
  x: '--x',
  vary: '--vary',
  backend: '--backend',
  frameMs: '--frame-ms',
  lastFrameMs: '--last-frame-ms',
};

/** Adds -s -p -d -g --padding-mode (the options of `conv2d`). */
export function addConvFlags(command: Command): Command {
  return command
    .option('-s, --stride <s>', 'stride: an integer or h,w', '1')
    .option('-p, --padding <p>', "padding: an integer, h,w, 'same' or 'valid'", '0')
    .option('-d, --dilation <d>', 'dilation: an integer or h,w', '1')
    .option('-g, --groups <g>', 'groups', '1')
    .addOption(new Option('--padding-mode <mode>', 'what the padding holds').default('zeros'));
}

export interface ConvFlagValues {
  stride: string;
  padding: string;
  dilation: string;
  groups: string;
  paddingMode: string;
}

/** Turns the parsed flag text into `conv2d` options. */
export function convOptionsFromFlags(flags: ConvFlagValues): Record<string, unknown> {
  return {
    stride: parseIntPair('--stride', flags.stride),
    padding: parsePadding(flags.padding),
    dilation: parseIntPair('--dilation', flags.dilation),
    groups: parseNumber('--groups', flags.groups),
    paddingMode: flags.paddingMode,
  };
}

/** One line for stderr: the flag (when the argument has one), the value, the rule. */
export function describeError(error: ConvlabError): string {
  if (error instanceof MissingPackageError) return error.message;
  if (error instanceof UsageError) return `invalid ${error.argument} ${formatValue(error.value)}: ${error.rule}`;
  const flag = FLAG_FOR_ARGUMENT[error.argument];
  return flag ? `invalid ${flag} (${error.argument} = ${formatValue(error.value)}): ${error.rule}` : error.message;
}

/** Adds --transposed and --output-padding (`convlab shape` and `forward`). */
export function addTransposedFlags(command: Command): Command {
  return command
    .option('--transposed', 'a transposed convolution (nn.ConvTranspose2d): weight (C_in, C_out/groups, kH, kW)')
    .option('--output-padding <op>', 'output padding of a transposed convolution: an integer or h,w');
}

export interface TransposedFlagValues extends ConvFlagValues {
  transposed?: boolean;
  outputPadding?: string;
}

/**
 * The options of a transposed call from the flags: `--padding-mode` other than zeros and 'same' or
 * 'valid' padding are left for the library to refuse in PyTorch's words (describeConvTranspose2d,
 * the picture; `forward` checks the mode itself, as convTranspose2d has no such option); --output-padding without
 * --transposed is a usage error.
 */
export function transposedOptionsFromFlags(flags: TransposedFlagValues): Record<string, unknown> | null {
  if (!flags.transposed) {
    if (flags.outputPadding !== undefined)
      throw new UsageError('--output-padding', flags.outputPadding, '--output-padding needs --transposed');
    return null;
  }
  // paddingMode goes to the library, which refuses any but zeros in PyTorch's words.
  return {
    ...convOptionsFromFlags(flags),
    outputPadding: flags.outputPadding === undefined ? 0 : parseIntPair('--output-padding', flags.outputPadding),
  };
}

export interface LayerFlagValues extends ConvFlagValues {
  input: string;
  outChannels: string;
  kernelSize: string;
  bias: boolean;
}

/** Adds the layer flags of `convlab shape`, `gif` and `frame`: --input, --out-channels, -k, the conv flags, --no-bias. */
export function addLayerFlags(command: Command): Command {
  command
    .requiredOption('--input <shape>', 'input shape: C,H,W or N,C,H,W')
    .requiredOption('--out-channels <n>', 'output channels')
    .requiredOption('-k, --kernel-size <k>', 'kernel size: an integer or h,w');
  return addConvFlags(command).option('--no-bias', 'the layer has no bias');
}

/** The input shape and `describeConv2d`-style layer options from the layer flags. */
export function layerFromFlags(flags: LayerFlagValues): { inputShape: number[]; layer: Record<string, unknown> } {
  return {
    inputShape: parseShape('--input', flags.input),
    layer: {
      outChannels: parseNumber('--out-channels', flags.outChannels),
      kernelSize: parseIntPair('--kernel-size', flags.kernelSize),
      bias: flags.bias,
      ...convOptionsFromFlags(flags),
    },
  };
}
