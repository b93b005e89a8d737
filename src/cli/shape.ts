import type { Command } from 'commander';
import { describeConv2d, formatDescription } from '../core/describe.js';
import { type ConvFlagValues, addConvFlags, convOptionsFromFlags, parseIntPair, parseNumber, parseShape } from './flags.js';

interface ShapeFlags extends ConvFlagValues {
  input: string;
  outChannels: string;
  kernelSize: string;
  bias: boolean;
  json?: boolean;
}

/** `convlab shape`: what a layer does to an input shape — output shape, formula, padding, counts. */
export function registerShape(program: Command): void {
  const command = program
    .command('shape')
    .description('describe a Conv2d layer applied to an input shape: output shape, formula, padding, parameters, MACs')
    .requiredOption('--input <shape>', 'input shape: C,H,W or N,C,H,W')
    .requiredOption('--out-channels <n>', 'output channels')
    .requiredOption('-k, --kernel-size <k>', 'kernel size: an integer or h,w');
  addConvFlags(command)
    .option('--no-bias', 'the layer has no bias')
    .option('--json', 'print the description as JSON')
    .action((flags: ShapeFlags) => {
      const description = describeConv2d(parseShape('--input', flags.input), {
        outChannels: parseNumber('--out-channels', flags.outChannels),
        kernelSize: parseIntPair('--kernel-size', flags.kernelSize),
        bias: flags.bias,
        ...convOptionsFromFlags(flags),
      } as Parameters<typeof describeConv2d>[1]);
      process.stdout.write(flags.json ? `${JSON.stringify(description, null, 2)}\n` : `${formatDescription(description)}\n`);
    });
}
