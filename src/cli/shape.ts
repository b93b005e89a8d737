import type { Command } from 'commander';
import { type LayerOptions, describeConv2d, formatDescription } from '../core/describe.js';
import { type LayerFlagValues, addLayerFlags, layerFromFlags } from './flags.js';

interface ShapeFlags extends LayerFlagValues {
  json?: boolean;
}

/** `convlab shape`: what a layer does to an input shape — output shape, formula, padding, counts. */
export function registerShape(program: Command): void {
  const command = program
    .command('shape')
    .description('describe a Conv2d layer applied to an input shape: output shape, formula, padding, parameters, MACs');
  addLayerFlags(command)
    .option('--json', 'print the description as JSON')
    .action((flags: ShapeFlags) => {
      const { inputShape, layer } = layerFromFlags(flags);
      const description = describeConv2d(inputShape, layer as unknown as LayerOptions);
      process.stdout.write(
        flags.json ? `${JSON.stringify(description, null, 2)}\n` : `${formatDescription(description)}\n`,
      );
    });
}
