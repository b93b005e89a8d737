import type { Command } from 'commander';
import { type LayerOptions, describeConv2d, formatDescription } from '../core/describe.js';
import {
  type TransposedLayerOptions,
  describeConvTranspose2d,
  formatTransposedDescription,
} from '../core/describe-transposed.js';
import {
  type LayerFlagValues,
  type TransposedFlagValues,
  addLayerFlags,
  addTransposedFlags,
  layerFromFlags,
  transposedOptionsFromFlags,
} from './flags.js';

interface ShapeFlags extends LayerFlagValues, TransposedFlagValues {
  json?: boolean;
}

/** `convlab shape`: what a layer does to an input shape — output shape, formula, padding, counts. */
export function registerShape(program: Command): void {
  const command = program
    .command('shape')
    .description(
      'describe a Conv2d (or, with --transposed, ConvTranspose2d) layer applied to an input shape: output shape, formula, padding, parameters, MACs',
    );
  addTransposedFlags(addLayerFlags(command))
    .option('--json', 'print the description as JSON')
    .action((flags: ShapeFlags) => {
      const { inputShape, layer } = layerFromFlags(flags);
      const transposed = transposedOptionsFromFlags(flags);
      let text: string, json: unknown;
      if (transposed) {
        const { outChannels, kernelSize, bias } = layer;
        const description = describeConvTranspose2d(inputShape, {
          outChannels,
          kernelSize,
          bias,
          ...transposed,
        } as unknown as TransposedLayerOptions);
        [text, json] = [formatTransposedDescription(description), description];
      } else {
        const description = describeConv2d(inputShape, layer as unknown as LayerOptions);
        [text, json] = [formatDescription(description), description];
      }
      process.stdout.write(flags.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
    });
}
