// One contender on a list of layers, in a process of its own (thread settings such as
// onnxruntime-web's numThreads are per process). Prints one JSON line per layer.
import { compareOutputs } from '../core/compare.js';
import '../platform/install-node.js';
import { readLayerData } from './data.js';
import { BENCH_SUITE } from './op-layers.js';
import { measure } from './measure.js';
import { OPTIONAL_PEERS, PEERS } from './peers.js';

export interface RunnerResult {
  peer: string;
  layer: string;
  unsupported?: string;
  missing?: string;
  error?: string;
  medianMs?: number;
  q1Ms?: number;
  q3Ms?: number;
  samples?: number;
  callsPerSample?: number;
  maxError?: number;
  /** maxError ÷ max |reference|: the error relative to the output's scale. */
  relativeError?: number;
  agrees?: boolean;
  detail?: string;
}

/**
 * Elementwise |a − r| ≤ 1e-3 + 1e-3·|r| against the reference kernel's output (peers sum in other
 * orders), and the largest error relative to the output's scale (the measure Winograd is held to).
 */
function compare(
  output: Float32Array,
  reference: Float32Array,
): { maxError: number; relativeError: number; agrees: boolean } {
  const { maxError, maxExpected, agrees } = compareOutputs(output, reference, 1e-3, 1e-3);
  return { maxError, relativeError: maxExpected > 0 ? maxError / maxExpected : maxError, agrees };
}

async function main(): Promise<void> {
  const [peerId, layerList, dir, budget] = process.argv.slice(2);
  const peer = [...PEERS, ...OPTIONAL_PEERS].find((p) => p.id === peerId);
  if (!peer) throw new Error(`unknown peer ${peerId}`);
  for (const id of layerList!.split(',')) {
    const layer = BENCH_SUITE.find((l) => l.id === id)!;
    const result: RunnerResult = { peer: peer.id, layer: id };
    try {
      const data = readLayerData(layer, dir!);
      const why = peer.unsupported(data);
      if (why) result.unsupported = why;
      else {
        const prepared = await peer.prepare(data);
        Object.assign(result, compare(await prepared.output(), data.reference));
        // A contender far slower than the budget (TF.js-cpu's conv2d gradient: ~20 s a call) is timed
        // on as many calls as ten budgets allow, at least one.
        Object.assign(
          result,
          await measure(() => prepared.run(), { budgetMs: Number(budget), deadlineMs: 10 * Number(budget) }),
        );
        result.detail = prepared.detail;
      }
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      const missing = /Cannot find (?:package|module) '((?:@[^/']+\/)?[^/']+)/.exec(message);
      if (missing) result.missing = `not installed (an optional peer dependency: npm install ${missing[1]})`;
      else result.error = message.split('\n')[0];
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  process.exit(0); // peers' thread pools must not keep the process alive
}

await main();
