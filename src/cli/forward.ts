import type { Command } from 'commander';
import { conv2d } from '../engine/conv2d.js';
import type { Conv2dOptions } from '../core/resolve.js';
import { readNpy, writeNpy } from '../io/npy.js';
import { type ConvFlagValues, addConvFlags, convOptionsFromFlags } from './flags.js';
import { readFileFor, writeFileAtomically } from './files.js';

interface ForwardFlags extends ConvFlagValues {
  input: string;
  weight: string;
  bias?: string;
  output: string;
}

/** `convlab forward`: conv2d on .npy files, so PyTorch and NumPy users can check convlab on their own tensors. */
export function registerForward(program: Command): void {
  const command = program
    .command('forward')
    .description('run conv2d on .npy files (float32 or float64 in, float32 out); out channels and kernel come from the weight')
    .requiredOption('--input <file>', 'input .npy: (N, C, H, W) or (C, H, W)')
    .requiredOption('--weight <file>', 'weight .npy: (O, C/groups, kH, kW)')
    .option('--bias <file>', 'bias .npy: (O)')
    .requiredOption('--output <file>', 'where to write the output .npy (written whole or not at all)');
  addConvFlags(command).action((flags: ForwardFlags) => {
    const options = convOptionsFromFlags(flags) as Conv2dOptions;
    const input = readNpy(readFileFor('--input', flags.input), `--input ${flags.input}`);
    const weight = readNpy(readFileFor('--weight', flags.weight), `--weight ${flags.weight}`);
    const bias = flags.bias === undefined ? null : readNpy(readFileFor('--bias', flags.bias), `--bias ${flags.bias}`);
    const output = conv2d(input, weight, bias, options);
    writeFileAtomically('--output', flags.output, writeNpy(output));
    process.stdout.write(`wrote ${flags.output}: float32 (${output.shape.join(', ')})\n`);
  });
}
