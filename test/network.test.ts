import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Conv2dError,
  cellField,
  NETWORK_PRESETS,
  type NetworkLayer,
  describeConv2d,
  describeNetwork,
  networkPreset,
  solvePadding,
  tfSamePadding,
} from '../src/index.js';
import { FIXTURES } from './helpers.js';

/**
 * describeNetwork, the presets and the padding solver: shapes and refusals against PyTorch
 * (scripts/fixtures/generate_network.py), parameters against torchvision's published counts, the
 * receptive fields against Araujo et al.'s table where the definitions match and against a brute
 * force that follows every input cell through the graph, the solver against a brute force over
 * every configuration describeConv2d accepts.
 */

const fixtures = JSON.parse(readFileSync(`${FIXTURES}network-torch.json`, 'utf8')) as {
  pools: { inputShape: number[]; layer: NetworkLayer; outputShape: number[] }[];
  refused: { inputShape: number[]; layer: NetworkLayer; torchError: string }[];
  networks: { name: string; inputShape: number[]; layers: NetworkLayer[]; shapes: number[][]; parameters: number }[];
};

describe('shapes and refusals, as PyTorch', () => {
  it(`MaxPool2d and AvgPool2d: ${fixtures.pools.length} configurations (ceil_mode, padding, dilation)`, () => {
    for (const c of fixtures.pools) {
      const d = describeNetwork(c.inputShape, [c.layer]);
      expect(d.layers[0]!.outputShape, JSON.stringify(c)).toEqual(c.outputShape);
    }
  });

  it('refuses what PyTorch refuses, in its words, naming the layer', () => {
    for (const c of fixtures.refused) {
      let error: unknown;
      try {
        describeNetwork(c.inputShape, [{ ...c.layer, name: 'pool' } as NetworkLayer]);
      } catch (e) {
        error = e;
      }
      expect(error, c.torchError).toBeInstanceOf(Conv2dError);
      expect((error as Conv2dError).rule).toContain(c.torchError);
      expect((error as Conv2dError).rule).toContain("(layer 0, 'pool')");
    }
  });

  for (const c of fixtures.networks) {
    it(`a network's shapes and parameters: ${c.name}`, () => {
      const d = describeNetwork(c.inputShape, c.layers);
      expect(d.layers.map((l) => l.outputShape)).toEqual(c.shapes);
      expect(d.totals.parameters).toBe(c.parameters);
    });
  }

  it('names the layer and the rule for a bad graph', () => {
    const conv = { type: 'conv2d', outChannels: 4, kernelSize: 3 } as const;
    expect(() => describeNetwork([3, 8, 8], [conv, { type: 'add', inputs: ['0', 'nope'] }])).toThrow(
      /no earlier layer is named 'nope'/,
    );
    expect(() => describeNetwork([3, 8, 8], [conv, { type: 'add', inputs: ['input', '0'] }])).toThrow(
      /add needs inputs of one shape, but 'input' is \[3, 8, 8\] and '0' is \[4, 6, 6\]/,
    );
    expect(() => describeNetwork([3, 8, 8], [{ ...conv, kernelSize: 9 }])).toThrow(
      /^Invalid layers\[0\]\.\w+ .*Kernel size can't be greater than actual input size.*\(layer 0, '0'\)$/,
    );
    expect(() => describeNetwork([3, 8, 8], [{ type: 'linear', outFeatures: 3 }])).toThrow(/put a flatten before it/);
    expect(() => describeNetwork([3, 8, 8], [{ type: 'softmax' } as never])).toThrow(/unknown layer type/);
    expect(() => describeNetwork([3, 8, 8], [{ ...conv, name: 'input' }])).toThrow(/names the network's input/);
  });
});

describe('the presets', () => {
  // torchvision's published parameter counts and GFLOPS (its "GFLOPS" are multiply-accumulates).
  const TORCHVISION: Record<string, [number, number]> = {
    alexnet: [61_100_840, 0.71],
    vgg16: [138_357_544, 15.47],
    resnet18: [11_689_512, 1.81],
    resnet50: [25_557_032, 4.09],
    mobilenet_v2: [3_504_872, 0.3],
  };
  for (const [name, [parameters, gmacs]] of Object.entries(TORCHVISION)) {
    it(`${name}: torchvision's ${parameters.toLocaleString('en-US')} parameters and ${gmacs} GMACs`, () => {
      const preset = networkPreset(name);
      const d = describeNetwork(preset.inputShape, preset.layers);
      expect(d.totals.parameters).toBe(parameters);
      expect(Math.round(d.totals.macs / 1e7) / 100).toBeCloseTo(gmacs, 2);
      expect(d.layers.at(-1)!.outputShape).toEqual([1000]);
    });
  }

  /** The last layer before the global pooling (or the last layer). */
  const lastSpatial = (name: string) => {
    const preset = networkPreset(name);
    const d = describeNetwork(preset.inputShape, preset.layers);
    const pool = d.layers.findIndex((l) => l.name === 'avgpool');
    return d.layers[pool < 0 ? d.layers.length - 1 : pool - 1]!;
  };

  it("Araujo et al.'s receptive fields where the definitions match: AlexNet 195 at stride 32, VGG-16 212 at 32 with padding 90, MobileNetV2 491 at 32", () => {
    expect(lastSpatial('alexnet')).toMatchObject({ receptiveField: [195, 195], effectiveStride: [32, 32] });
    expect(lastSpatial('vgg16')).toMatchObject({
      receptiveField: [212, 212],
      effectiveStride: [32, 32],
      effectivePadding: [90, 90],
    });
    expect(lastSpatial('mobilenet_v2')).toMatchObject({ receptiveField: [491, 491], effectiveStride: [32, 32] });
    // WaveNet: 1 + (2 − 1)·(1 + 2 + … + 512) samples, all in the past.
    expect(lastSpatial('wavenet')).toMatchObject({
      receptiveField: [1024],
      effectiveStride: [1],
      effectivePadding: [1023],
    });
  });

  /**
   * The brute force, on one axis (height, or length): for every cell of every layer, the set of
   * network-input positions it depends on, as a bitset, made by OR-ing the sets of the cells its
   * window reads — no spans, no closed form. A cell in a layer's padding stands one jump beyond the
   * edge cell, so its set is the edge cell's, shifted by the jump.
   */
  const OFFSET = 2048,
    WIDTH = 6144;
  function bruteFields(preset: { inputShape: number[]; layers: readonly NetworkLayer[] }): Map<string, Uint8Array[]> {
    const n0 = preset.inputShape[1]!;
    const fields = new Map<string, Uint8Array[]>([
      [
        'input',
        Array.from({ length: n0 }, (_, i) => {
          const set = new Uint8Array(WIDTH);
          set[i + OFFSET] = 1;
          return set;
        }),
      ],
    ]);
    const jumps = new Map<string, number>([['input', 1]]);
    const pick = (v: unknown, plain: number) =>
      v === undefined || v === null ? plain : typeof v === 'number' ? v : (v as number[])[0]!;
    let previous = 'input';
    for (const [index, raw] of preset.layers.entries()) {
      const layer = raw as NetworkLayer & Record<string, unknown>;
      const name = layer.name ?? `${index}`;
      if (layer.type === 'flatten' || layer.type.startsWith('adaptive')) break;
      if (layer.type === 'add' || layer.type === 'concat') {
        const inputs = (layer.inputs as string[]).map((i) => fields.get(i)!);
        fields.set(
          name,
          inputs[0]!.map((_, y) => {
            const set = new Uint8Array(WIDTH);
            for (const input of inputs) for (let b = 0; b < WIDTH; b++) set[b]! |= input[y]![b]!;
            return set;
          }),
        );
        jumps.set(name, jumps.get((layer.inputs as string[])[0]!)!);
        previous = name;
        continue;
      }
      const from = (layer.input as string | undefined) ?? previous;
      const cells = fields.get(from)!;
      const jump = jumps.get(from)!;
      const n = cells.length;
      const cell = (i: number): Uint8Array => {
        if (i >= 0 && i < n) return cells[i]!;
        const edge = i < 0 ? 0 : n - 1;
        const shift = (i - edge) * jump;
        const set = new Uint8Array(WIDTH);
        for (let b = 0; b < WIDTH; b++) if (cells[edge]![b]) set[b + shift] = 1;
        return set;
      };
      const union = (sets: Uint8Array[]) => {
        const set = new Uint8Array(WIDTH);
        for (const s of sets) for (let b = 0; b < WIDTH; b++) set[b]! |= s[b]!;
        return set;
      };
      const windowed = layer.type === 'conv2d' || layer.type === 'conv1d' || layer.type.includes('Pool');
      const k = pick(layer.kernelSize, 1);
      const s = layer.type.includes('Pool') ? pick(layer.stride, k) : pick(layer.stride, 1);
      const d = pick(layer.dilation, 1);
      if (windowed) {
        const p =
          layer.padding === 'causal'
            ? d * (k - 1)
            : layer.padding === 'same'
              ? (d * (k - 1)) >> 1
              : pick(layer.padding, 0);
        const out =
          Math.floor((n + 2 * p - d * (k - 1) - 1) / s) +
          1 +
          (layer.padding === 'causal' ? n - 1 - Math.floor((n + 2 * p - d * (k - 1) - 1) / s) : 0);
        fields.set(
          name,
          Array.from({ length: out }, (_, y) => union(Array.from({ length: k }, (_, t) => cell(y * s - p + t * d)))),
        );
        jumps.set(name, jump * s);
      } else if (layer.type === 'convTranspose2d') {
        const p = pick(layer.padding, 0);
        const out = (n - 1) * s - 2 * p + d * (k - 1) + pick(layer.outputPadding, 0) + 1;
        fields.set(
          name,
          Array.from({ length: out }, (_, y) => {
            const reads: Uint8Array[] = [];
            for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) if (i * s - p + t * d === y) reads.push(cells[i]!);
            return union(reads);
          }),
        );
        jumps.set(name, jump / s);
      } else {
        fields.set(name, cells);
        jumps.set(name, jump);
      }
      previous = name;
    }
    return fields;
  }

  const span = (set: Uint8Array) => {
    const first = set.indexOf(1),
      last = set.lastIndexOf(1);
    return first < 0 ? 0 : last - first + 1;
  };

  it('every layer of every preset: the receptive field a brute force finds by following every cell through every path', () => {
    for (const preset of NETWORK_PRESETS) {
      const d = describeNetwork(preset.inputShape, preset.layers);
      const brute = bruteFields(preset);
      for (const l of d.layers) {
        const cells = brute.get(l.name);
        if (!cells) continue;
        expect(l.outputShape[1], `${preset.name} ${l.name}`).toBe(cells.length);
        expect(l.receptiveField[0], `${preset.name} ${l.name}`).toBe(Math.max(...cells.map(span)));
      }
    }
  });

  it('a transposed convolution divides the stride, and its field is what the brute force finds', () => {
    const layers: NetworkLayer[] = [
      { type: 'conv2d', outChannels: 4, kernelSize: 3, stride: 2, padding: 1 },
      { type: 'conv2d', outChannels: 4, kernelSize: 3, stride: 2, padding: 1 },
      { type: 'convTranspose2d', outChannels: 4, kernelSize: 4, stride: 2, padding: 1 },
      { type: 'convTranspose2d', outChannels: 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 },
    ];
    const d = describeNetwork([1, 16, 16], layers);
    const brute = bruteFields({ inputShape: [1, 16, 16], layers });
    expect(d.layers.map((l) => l.effectiveStride[0])).toEqual([2, 4, 2, 1]);
    for (const l of d.layers) expect(l.receptiveField[0], l.name).toBe(Math.max(...brute.get(l.name)!.map(span)));
  });

  it("one cell's field: where it starts and ends in the input, y·J − P … y·J − P + r − 1 on VGG-16", () => {
    const vgg = networkPreset('vgg16');
    expect(cellField(vgg.inputShape, vgg.layers, 'features.30', [0, 0])).toEqual([
      [-90, 121],
      [-90, 121],
    ]);
    expect(cellField(vgg.inputShape, vgg.layers, 'features.30', [3, 6])).toEqual([
      [3 * 32 - 90, 3 * 32 - 90 + 211],
      [6 * 32 - 90, 6 * 32 - 90 + 211],
    ]);
    expect(() => cellField(vgg.inputShape, vgg.layers, 'features.30', [7, 0])).toThrow(/from 0 to 6/);
    expect(() => cellField(vgg.inputShape, vgg.layers, 'nope', [0, 0])).toThrow(/no layer is named 'nope'/);
  });

  it('torchvision ResNet-50 (v1.5) differs from the paper variant Araujo et al. measured (483 px), and the preset says so', () => {
    expect(lastSpatial('resnet50')).toMatchObject({ receptiveField: [427, 427], effectiveStride: [32, 32] });
    expect(networkPreset('resnet50').about).toMatch(/483/);
    expect(() => networkPreset('resnet101')).toThrow(/the presets are alexnet, vgg16/);
  });

  it('residual adds of aligned paths need no note; causal paths are not centred alike, and the note says so', () => {
    const resnet = networkPreset('resnet18');
    expect(describeNetwork(resnet.inputShape, resnet.layers).notes).toEqual([]);
    const wavenet = networkPreset('wavenet');
    expect(describeNetwork(wavenet.inputShape, wavenet.layers).notes[0]).toMatch(
      /'dilated1.residual' adds paths whose fields are not centred alike/,
    );
  });
});

describe('the padding solver', () => {
  it('finds exactly what a brute force over every configuration describeConv2d accepts finds, within the bounds', () => {
    for (const n of [1, 5, 8, 12]) {
      for (const m of [1, 3, 4, 6, 12]) {
        const found = new Set(
          solvePadding({ input: n, output: m, maxKernel: 5, maxDilation: 3 }).map(
            (s) => `${s.kernelSize},${s.stride},${s.padding},${s.dilation}`,
          ),
        );
        const brute = new Set<string>();
        for (let k = 1; k <= 5; k++)
          for (let d = 1; d <= 3; d++)
            for (let p = 0; p <= d * (k - 1); p++)
              for (let s = 1; s <= n + 2 * d * (k - 1); s++) {
                try {
                  const out = describeConv2d([1, n, n], {
                    outChannels: 1,
                    kernelSize: k,
                    stride: s,
                    padding: p,
                    dilation: d,
                  });
                  if (out.outputShape[1] === m) brute.add(`${k},${s},${p},${d}`);
                } catch (error) {
                  expect(error).toBeInstanceOf(Conv2dError);
                }
              }
        expect(found, `${n} → ${m}`).toEqual(brute);
      }
    }
  });

  it('lists the smallest kernel first, and fixes what it is told', () => {
    const all = solvePadding({ input: 224, output: 112, kernelSize: 3 });
    // floor((224 + 2·1 − 2 − 1) / 2) + 1 = 112 (padding 0 gives 111).
    expect(all[0]).toMatchObject({ kernelSize: 3, stride: 2, padding: 1, dilation: 1 });
    expect(all.every((s) => s.kernelSize === 3)).toBe(true);
    expect(all.map((s) => `${s.stride},${s.padding},${s.dilation}`)).toContain('2,2,2');
    expect(
      solvePadding({ input: 224, output: 224, stride: 1, dilation: 1 }).map((s) => [s.kernelSize, s.padding]),
    ).toEqual([
      [1, 0],
      [3, 1],
      [5, 2],
      [7, 3],
      [9, 4],
      [11, 5],
    ]);
    expect(() => solvePadding({ input: 0, output: 3 })).toThrow(expect.objectContaining({ argument: 'input' }));
    expect(() => solvePadding({ input: 100000, output: 3, maxKernel: 500 })).toThrow(/fix the kernel/);
  });

  it("converts TensorFlow's 'SAME' to PyTorch, and says when it cannot be symmetric", () => {
    // 224, kernel 3, stride 2: TF pads 1 cell, after (its odd cell goes at the end).
    expect(tfSamePadding(224, 3, 2)).toMatchObject({ output: 112, before: 0, after: 1, symmetric: false });
    expect(tfSamePadding(224, 3, 2).pytorch).toMatch(/F\.pad\(x, \(0, 1\)\).*cannot be one symmetric padding/);
    expect(tfSamePadding(225, 3, 2)).toMatchObject({ output: 113, before: 1, after: 1, symmetric: true });
    expect(tfSamePadding(7, 5, 1, 2)).toMatchObject({ output: 7, before: 4, after: 4, symmetric: true });
    // The output TF promises, ⌈in / stride⌉, is what the padding gives by PyTorch's formula.
    for (let n = 1; n <= 20; n++)
      for (let k = 1; k <= 5; k++)
        for (let s = 1; s <= 3; s++) {
          const t = tfSamePadding(n, k, s);
          expect(Math.floor((n + t.before + t.after - (k - 1) - 1) / s) + 1).toBe(Math.ceil(n / s));
        }
  });
});
