import { checkTransposedPaddingMode } from '../core/transposed.js';
import type { Command } from 'commander';
import { conv2d } from '../engine/conv2d.js';
import type { Conv2dOptions } from '../core/resolve.js';
import type { Tensor } from '../core/tensor.js';
import { readNpy, writeNpy } from '../io/npy.js';
import { layerStateDict, readStateDict } from '../io/state-dict.js';
import { convTranspose2d } from '../engine/conv-transpose2d.js';
import {
  type TransposedFlagValues,
  UsageError,
  addConvFlags,
  addTransposedFlags,
  convOptionsFromFlags,
  transposedOptionsFromFlags,
} from './flags.js';
import { checkOutputIsNotInput, readNpyFileFor, readWeightsFileFor, writeFileAtomically } from './files.js';

interface ForwardFlags extends TransposedFlagValues {
  input: string;
  weight?: string;
  bias?: string;
  weights?: string;
  layer?: string;
  output: string;
}

/** `convlab forward`: conv2d (or conv_transpose2d) on .npy files, so PyTorch and NumPy users can check convlab on their own tensors. */
export function registerForward(program: Command): void {
  const command = program
    .command('forward')
    .description(
      "run conv2d (or, with --transposed, conv_transpose2d) on .npy files, or with one layer of a model's saved weights (.safetensors, .npz); channels and kernel come from the weight",
    )
    .requiredOption('--input <file>', 'input .npy: (N, C, H, W) or (C, H, W)')
    .option('--weight <file>', 'weight .npy: (O, C/groups, kH, kW); transposed: (C, O/groups, kH, kW)')
    .option('--bias <file>', 'bias .npy: (O)')
    .option('--weights <file>', "a model's state_dict as .safetensors or .npz (with --layer)")
    .option(
      '--layer <name>',
      "the convolution's name in --weights, e.g. features.0 (reads features.0.weight and features.0.bias)",
    )
    .requiredOption('--output <file>', 'where to write the output .npy (written whole or not at all)');
  addTransposedFlags(addConvFlags(command)).action((flags: ForwardFlags) => {
    const { paddingMode, ...transposed } = transposedOptionsFromFlags(flags) ?? {};
    if (flags.transposed) checkTransposedPaddingMode(paddingMode, 'ConvTranspose2d');
    const options = convOptionsFromFlags(flags) as Conv2dOptions;
    checkOutputIsNotInput('--output', flags.output, [flags.input, flags.weight, flags.bias, flags.weights]);
    const input = readNpy(readNpyFileFor('--input', flags.input, `--input ${flags.input}`), `--input ${flags.input}`);
    let weight: Tensor, bias: Tensor | null;
    if (flags.weights !== undefined) {
      if (flags.weight !== undefined || flags.bias !== undefined)
        throw new UsageError(
          '--weights',
          flags.weights,
          '--weights replaces --weight and --bias: give one or the other',
        );
      if (flags.layer === undefined)
        throw new UsageError('--layer', '', '--weights needs --layer NAME (the convolution, e.g. features.0)');
      const layer = layerStateDict(
        readStateDict(
          readWeightsFileFor('--weights', flags.weights, `--weights ${flags.weights}`),
          `--weights ${flags.weights}`,
        ),
        flags.layer,
      );
      weight = layer.get('weight')!;
      bias = layer.get('bias') ?? null;
    } else {
      if (flags.weight === undefined)
        throw new UsageError('--weight', '', '--weight FILE is required (or --weights FILE --layer NAME)');
      weight = readNpy(
        readNpyFileFor('--weight', flags.weight, `--weight ${flags.weight}`),
        `--weight ${flags.weight}`,
      );
      bias =
        flags.bias === undefined
          ? null
          : readNpy(readNpyFileFor('--bias', flags.bias, `--bias ${flags.bias}`), `--bias ${flags.bias}`);
    }
    const output = flags.transposed
      ? convTranspose2d(input, weight, bias, transposed)
      : conv2d(input, weight, bias, options);
    writeFileAtomically('--output', flags.output, writeNpy(output));
    process.stdout.write(`wrote ${flags.output}: float32 (${output.shape.join(', ')})\n`);
  });
}
