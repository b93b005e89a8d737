// The pages' seeded tensors: the one generator, a new seed for each tensor (bundled into each page).
import { randomFill } from '../../src/core/random.js';
import { type Tensor, tensor } from '../../src/entry-browser.js';

/** A maker of seeded tensors, starting from `seed` and taking the next seed for each tensor. */
export function seededTensors(seed: number): (shape: number[]) => Tensor {
  let next = seed;
  return (shape) =>
    tensor(
      randomFill(
        shape.reduce((a, b) => a * b, 1),
        next++,
      ),
      shape,
    );
}
