// What both Chromium pages do with seeded tensors (bundled into each page): the one generator, a new
// seed for each tensor, and the loop that checks a backend against the reference kernel.
import { compareOutputs, compareToScale } from '../../src/core/compare.js';
import { randomFill } from '../../src/core/random.js';
import { type Tensor, conv2d, tensor } from '../../src/entry-browser.js';

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

/**
 * A layer to check: input shape, weight shape, conv2d options, and 'scale' where the layer runs on
 * Winograd (held to 1e-4 of the output's scale, its kernel's rounding rule).
 */
export type Case = [number[], number[], object, 'scale'?];

/**
 * Whether every output `runs` gives for every case (seeded input, weight and bias from `seed`)
 * agrees with the reference kernel's within 1e-5 + 1e-5·|reference| (or the case's scale rule).
 */
export async function agreesWithReference(
  cases: Case[],
  seed: number,
  runs: (x: Tensor, w: Tensor, b: Tensor, options: object) => (Tensor | Promise<Tensor>)[],
): Promise<boolean> {
  const make = seededTensors(seed);
  let agrees = true;
  for (const [xs, ws, options, rounding] of cases) {
    const x = make(xs),
      w = make(ws),
      b = make([ws[0]!]);
    const expected = conv2d(x, w, b, { ...options, backend: 'reference' });
    for (const y of runs(x, w, b, options)) {
      const { data } = await y;
      agrees &&= (
        rounding === 'scale' ? compareToScale(data, expected.data) : compareOutputs(data, expected.data, 1e-5, 1e-5)
      ).agrees;
    }
  }
  return agrees;
}
