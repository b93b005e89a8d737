import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../src/index.js';
import { FIXTURES, decode, expectClose } from './helpers.js';

/** The built CLI, run as a user runs it (npm test builds dist/ first). */
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const npyFixture = (name: string) => `${FIXTURES}npy/${name}`;

function convlab(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A usage error: exit code 2, one line on stderr, no stack trace. */
function expectUsageError(result: ReturnType<typeof convlab>, words: string | RegExp) {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
  expect(result.stderr).toMatch(words);
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does)');
});

describe('convlab shape', () => {
  it("describes the article's title figure as --json", () => {
    const r = convlab(
      'shape',
      '--input',
      '3,7,7',
      '--out-channels',
      '2',
      '--kernel-size',
      '3',
      '--padding',
      '1',
      '--stride',
      '2',
      '--dilation',
      '2',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.outputShape).toEqual([2, 3, 3]);
    expect(d.parameterCount).toBe(56);
    for (const field of ['outputShape', 'parameterCount', 'macs', 'flops', 'padding', 'formula', 'receptiveField'])
      expect(d).toHaveProperty(field);
    expect(d.formula.height).toBe('H_out = floor((7 + 1 + 1 − 2·(3−1) − 1) / 2) + 1 = 3');
  });

  it('prints the description for a person, with short flags and pairs', () => {
    const r = convlab(
      'shape',
      '--input',
      '2,3,7,9',
      '--out-channels',
      '4',
      '-k',
      '3,2',
      '-s',
      '1,2',
      '-p',
      '1,0',
      '-d',
      '2',
      '-g',
      '1',
      '--no-bias',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('output shape  (2, 4, 5, 4)');
    expect(r.stdout).toContain('H_out = floor((7 + 1 + 1 − 2·(3−1) − 1) / 1) + 1 = 5');
    expect(r.stdout).toContain('W_out = floor((9 + 0 + 0 − 2·(2−1) − 1) / 2) + 1 = 4');
    expect(r.stdout).toContain('parameters    72 (weight 72, bias 0)');
  });

  it("takes 'same' and a padding mode", () => {
    const r = convlab(
      'shape',
      '--input',
      '1,8,8',
      '--out-channels',
      '1',
      '-k',
      '4',
      '-p',
      'same',
      '--padding-mode',
      'reflect',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).padding).toEqual({ top: 1, bottom: 2, left: 1, right: 2, requested: 'same' });
  });

  it.each([
    [
      ['--input', '4,7,7', '--out-channels', '2', '-k', '3', '-g', '3'],
      /--groups.*in_channels must be divisible by groups/,
    ],
    [['--input', '3,7,7', '--out-channels', '2', '-k', '3', '-p', 'foo'], /Invalid padding string 'foo'/],
    [
      ['--input', '3,7,7', '--out-channels', '2', '-k', '3', '-p', 'same', '-s', '2'],
      /padding='same' is not supported for strided convolutions/,
    ],
    [
      ['--input', '3,7,7', '--out-channels', '2', '-k', '9'],
      /--kernel-size.*Kernel size can't be greater than actual input size/,
    ],
    [['--input', '3,x,7', '--out-channels', '2', '-k', '3'], /--input '3,x,7'.*C,H,W or N,C,H,W/],
    [['--input', '7,7', '--out-channels', '2', '-k', '3'], /Expected 3D \(unbatched\) or 4D \(batched\) input/],
    [['--input', '3,7,7', '--out-channels', '2', '-k', '1,2,3'], /--kernel-size '1,2,3'/],
    [['--input', '3,7,7', '--out-channels', '2', '-k', '3', '-s', '1.5'], /stride must be an integer/],
    [['--input', '3,7,7', '--out-channels', 'two', '-k', '3'], /--out-channels 'two'/],
    [['--input', '3,7,7', '--out-channels', '2', '-k', '3', '--padding-mode', 'mirror'], /padding_mode must be one of/],
    [['--input', '3,7,7', '--out-channels', '2', '-k', '3', '--strides', '2'], /unknown option '--strides'/],
    [['--input', '3,7,7', '-k', '3'], /required option '--out-channels <n>' not specified/],
    [['--input', '3,7,7', '--out-channels', '2', '-k', '3', 'extra'], /too many arguments/],
  ])('refuses %j with exit code 2 and one line', (args, words) => {
    expectUsageError(convlab('shape', ...args), words);
  });

  it('an unknown command is a usage error', () => {
    expectUsageError(convlab('shap'), /unknown command 'shap'/);
  });

  it('--help and --version exit 0', () => {
    expect(convlab('shape', '--help').code).toBe(0);
    expect(convlab('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('convlab forward', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlab-cli-'));

  it('--transposed matches PyTorch on .npy files, and shape --transposed predicts its shape', () => {
    const fixtures = JSON.parse(readFileSync(`${FIXTURES}transposed-torch.json`, 'utf8'));
    const c = fixtures.transposed2d.find((f: { name: string }) => f.name.startsWith('random #3:'));
    const [x, w, b] = [join(dir, 'tx.npy'), join(dir, 'tw.npy'), join(dir, 'tb.npy')];
    writeFileSync(x, writeNpy(decode(c.input)));
    writeFileSync(w, writeNpy(decode(c.weight)));
    const bias = c.bias ? ['--bias', b] : [];
    if (c.bias) writeFileSync(b, writeNpy(decode(c.bias)));
    const { stride, padding, outputPadding, dilation, groups } = c.options;
    const flags = [
      ...['-s', String(stride), '-p', String(padding), '-d', String(dilation), '-g', String(groups)],
      ...['--output-padding', String(outputPadding), '--transposed'],
    ];
    const output = join(dir, 'ty.npy');
    const r = convlab('forward', '--input', x, '--weight', w, ...bias, ...flags, '--output', output);
    expect(r.code, r.stderr).toBe(0);
    expectClose(readNpy(new Uint8Array(readFileSync(output))), decode(c.output));
    const [inChannels, outPerGroup, kH, kW] = c.weight.shape;
    const shape = convlab(
      'shape',
      '--input',
      c.input.shape.join(','),
      '--out-channels',
      String(outPerGroup * groups),
      '-k',
      `${kH},${kW}`,
      ...flags,
      '--json',
    );
    expect(shape.code, shape.stderr).toBe(0);
    expect(JSON.parse(shape.stdout).outputShape).toEqual(c.output.shape);
    expect(inChannels).toBe(c.input.shape.at(-3));
    expectUsageError(
      convlab('shape', '--input', '1,4,5,5', '--out-channels', '2', '-k', '3', '--output-padding', '1'),
      /--output-padding needs --transposed/,
    );
    expectUsageError(
      convlab('forward', '--input', x, '--weight', w, '--transposed', '--padding-mode', 'reflect', '--output', output),
      /Only "zeros" padding mode is supported for ConvTranspose2d/,
    );
  });

  it('matches PyTorch on .npy files (float64 input, float32 weight and bias)', () => {
    const output = join(dir, 'y.npy');
    const r = convlab(
      'forward',
      '--input',
      npyFixture('forward-x.npy'),
      '--weight',
      npyFixture('forward-w.npy'),
      '--bias',
      npyFixture('forward-b.npy'),
      '-p',
      '1',
      '-s',
      '2',
      '-d',
      '2',
      '--output',
      output,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(2, 2, 3, 3)');
    expectClose(
      readNpy(new Uint8Array(readFileSync(output))),
      readNpy(new Uint8Array(readFileSync(npyFixture('forward-y-torch.npy')))),
    );
  });

  it('reads a .npy head first: a large file that is not one, /dev/zero, a lying header — refused after the first bytes (issue 14)', () => {
    const big = join(dir, 'big.bin');
    writeFileSync(big, '');
    truncateSync(big, 1.5 * 2 ** 30); // 1.5 GiB, sparse: reading it whole would take seconds and the memory
    const layer = ['--weight', npyFixture('forward-w.npy'), '--output', join(dir, 'never.npy')];
    const started = performance.now();
    expectUsageError(
      convlab('forward', '--input', big, ...layer),
      /not a \.npy file: it does not start with the magic string/,
    );
    expectUsageError(convlab('forward', '--input', '/dev/zero', ...layer), /not a \.npy file/);
    // A valid header whose shape wants 4 GiB of data the file does not hold: refused from the header.
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 32768, 32768), }";
    const lying = new Uint8Array(10 + header.length + 1);
    lying.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, header.length + 1, 0], 0);
    lying.set(new TextEncoder().encode(`${header}\n`), 10);
    writeFileSync(join(dir, 'lying.npy'), lying);
    expectUsageError(
      convlab('forward', '--input', join(dir, 'lying.npy'), ...layer),
      /needs 4294967296 bytes of <f4 data, but the file holds 0/,
    );
    expect(performance.now() - started).toBeLessThan(10_000);
    // A huge shape in a header: the message quotes its first items, not all of them.
    const longShape = `{'descr': '<f4', 'fortran_order': False, 'shape': (${Array(5000).fill(1).join(', ')}), }`;
    const long = new Uint8Array(12 + longShape.length + 1);
    long.set([0x93, ...new TextEncoder().encode('NUMPY'), 2, 0], 0);
    new DataView(long.buffer).setUint32(8, longShape.length + 1, true);
    long.set(new TextEncoder().encode(`${longShape}\n`), 12);
    writeFileSync(join(dir, 'long.npy'), long);
    const r = convlab('forward', '--input', join(dir, 'long.npy'), ...layer);
    expectUsageError(r, /\(5000 items\)/);
    expect(r.stderr.length).toBeLessThan(400);
  });

  it('an interrupt removes the temporary file; one left by a killed process is removed on the next write (issue 14)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'convlab-interrupt-'));
    const child = spawn(process.execPath, [
      CLI,
      'gif',
      '--input',
      '3,20,20',
      '--out-channels',
      '2',
      '-k',
      '3',
      '--output',
      join(out, 'big.gif'),
    ]);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait for the temporary file, then interrupt.
    for (let i = 0; i < 200 && !readdirSync(out).some((name) => name.endsWith('.tmp')); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readdirSync(out).some((name) => name.endsWith('.tmp'))).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(readdirSync(out)).toEqual([]);
    // Stale: a process that no longer exists (pid past pid_max) left one; a running one (this test's) did too.
    const stale = join(out, '.y.gif.999999999.0123456789ab.tmp');
    const running = join(out, `.y.gif.${process.pid}.0123456789ab.tmp`);
    writeFileSync(stale, 'left by a killed convlab');
    writeFileSync(running, 'still being written');
    expect(
      convlab('gif', '--input', '1,5,5', '--out-channels', '1', '-k', '3', '--output', join(out, 'y.gif')).code,
    ).toBe(0);
    expect(readdirSync(out).sort()).toEqual([`.y.gif.${process.pid}.0123456789ab.tmp`, 'y.gif']);
  }, 30_000);

  it('bad paths end in exit 2 naming the cause, before any work (issue 14: these were internal errors)', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'in the way');
    const x = join(dir, 'x-copy.npy');
    writeFileSync(x, readFileSync(npyFixture('forward-x.npy')));
    const w = ['--weight', npyFixture('forward-w.npy')];
    const cases: [string[], RegExp][] = [
      [
        ['forward', '--input', x, ...w, '--output', join(file, 'y.npy')],
        /--output .*a component of the path is not a directory/,
      ],
      [['forward', '--input', x, ...w, '--output', x], /--output .*is also an input of this command/],
      [['sweep', '--x', 'out-channels=1,2', '--out-dir', file], /--out-dir .*a file of that name is in the way/],
      [['gif', '--preset', 'article', '--out-dir', file], /--out-dir .*a file of that name is in the way/],
      [
        ['bench', '--layers', 'L8', '--peers', 'convlab-1t', '--out', file],
        /--out .*a file of that name is in the way/,
      ],
      [
        ['frame', '--input', '3,40,40', '--out-channels', '4', '-k', '3', '--sheet', '--output', join(dir, 's.png')],
        /--sheet .*the picture would be 184300 × 291156 px/,
      ],
      [
        ['gif', '--input', '3,7,2000', '--out-channels', '2', '-k', '3', '--output', join(dir, 'g.gif')],
        /invalid --input .*the picture would be/,
      ],
    ];
    for (const [args, words] of cases) expectUsageError(convlab(...args), words);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(readFileSync(x).equals(readFileSync(npyFixture('forward-x.npy')))).toBe(true);
  });

  it('bad files and bad configurations: exit 2, one line, the old output untouched, no temporary files', () => {
    const output = join(dir, 'kept.npy');
    writeFileSync(output, 'previous contents');
    const layer = ['--weight', npyFixture('forward-w.npy'), '--output', output];
    const cases: [string[], RegExp][] = [
      [['--input', join(dir, 'missing.npy'), ...layer], /--input .*missing\.npy.*no such file/],
      [['--input', npyFixture('int32.npy'), ...layer], /unsupported dtype '<i4'/],
      [['--input', npyFixture('fortran.npy'), ...layer], /Fortran-ordered/],
      [['--input', npyFixture('values.json'), ...layer], /magic string/],
      [['--input', npyFixture('forward-x.npy'), ...layer, '-g', '2'], /--groups|--weight|--input/],
      [
        ['--input', npyFixture('float32.npy'), ...layer],
        /Expected 3D \(unbatched\) or 4D \(batched\) input|expected input/,
      ],
      [
        ['--input', npyFixture('forward-x.npy'), ...layer, '--bias', npyFixture('vector.npy')],
        /--bias.*expected bias to be 1-dimensional with 2 elements/,
      ],
      [
        [
          '--input',
          npyFixture('forward-x.npy'),
          '--weight',
          npyFixture('forward-w.npy'),
          '--output',
          join(dir, 'no-such-dir', 'y.npy'),
        ],
        /--output .*cannot write the file/,
      ],
      [
        ['--input', npyFixture('forward-x.npy'), '--weight', npyFixture('forward-w.npy'), '--output', dir],
        /--output .*cannot write the file/,
      ],
    ];
    for (const [args, words] of cases) expectUsageError(convlab('forward', ...args), words);
    expect(readFileSync(output, 'utf8')).toBe('previous contents');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('convlab bench', () => {
  it('measures the chosen layers and contenders and writes latest.md and latest.json', () => {
    const out = mkdtempSync(join(tmpdir(), 'convlab-bench-'));
    const r = convlab(
      'bench',
      '--layers',
      'L8',
      '--peers',
      'convlab-1t,ort-node-1t',
      '--budget-ms',
      '50',
      '--rounds',
      '1',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[1\/2\] convlab 1T\s+L8/);
    const report = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    const l8 = report.layers[0];
    expect(l8.id).toBe('L8');
    expect(l8.results['convlab-1t'].agrees).toBe(true);
    expect(l8.results['ort-node-1t'].agrees).toBe(true);
    expect(l8.results['convlab-1t'].medianMs).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toContain('| L8 |');
  });

  it('refuses unknown layers and contenders', () => {
    expectUsageError(convlab('bench', '--layers', 'L11'), /--layers 'L11'.*unknown: L11/);
    expectUsageError(convlab('bench', '--peers', 'pytorch'), /--peers 'pytorch'.*unknown: pytorch/);
    expectUsageError(convlab('bench', '--rounds', '0'), /--rounds takes an integer from 1 to 10/);
  });
});

describe('convlab gif and frame', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convlab-gif-'));
  const title = ['--input', '3,7,7', '--out-channels', '2', '-k', '3', '-p', '1', '-s', '2', '-d', '2'];

  it('writes a looping GIF of the title figure, one frame per step', async () => {
    const output = join(dir, 'title.gif');
    const r = convlab('gif', ...title, '--mode', 'values', '--theme', 'dark', '--frame-ms', '250', '--output', output);
    expect(r.code, r.stderr).toBe(0);
    const { default: omggif } = await import('omggif');
    const reader = new omggif.GifReader(new Uint8Array(readFileSync(output)));
    expect(reader.numFrames()).toBe(18);
    expect(reader.loopCount()).toBe(0);
    expect(reader.frameInfo(0).delay).toBe(25);
    expect(reader.frameInfo(17).delay).toBe(150); // the last frame held
  });

  it("by default: the article's 30 cs a frame, the last held 150 cs; --no-bias draws a different GIF; --lang zh", async () => {
    const { default: omggif } = await import('omggif');
    const paths = ['default', 'nobias', 'zh'].map((name) => join(dir, `${name}.gif`));
    expect(convlab('gif', ...title, '--output', paths[0]!).code).toBe(0);
    expect(convlab('gif', ...title, '--no-bias', '--output', paths[1]!).code).toBe(0);
    expect(convlab('gif', ...title, '--lang', 'zh', '--output', paths[2]!).code).toBe(0);
    const [plain, noBias, zh] = paths.map((path) => readFileSync(path));
    const reader = new omggif.GifReader(new Uint8Array(plain!));
    expect([reader.frameInfo(0).delay, reader.frameInfo(reader.numFrames() - 1).delay]).toEqual([30, 150]);
    expect(plain!.equals(noBias!)).toBe(false);
    expect(plain!.equals(zh!)).toBe(false);
  });

  it('refuses a GIF past the work budget before writing anything, naming --max-frames and the estimate', () => {
    const output = join(dir, 'huge.gif');
    const huge = ['--input', '1,150,150', '--out-channels', '8', '-k', '3', '--cell-size', '8', '--output', output];
    const r = convlab('gif', ...huge);
    expectUsageError(
      r,
      /175,232 frames of \d+ × \d+ px \(.* px to draw and encode, about [\d,]+ min on a 2-core machine\).*--max-frames 175232/,
    );
    expect(existsSync(output)).toBe(false);
    expectUsageError(
      convlab('gif', ...title, '--max-frames', '10', '--output', output),
      /18 frames .* at most 10 frames were allowed/,
    );
    expectUsageError(convlab('gif', ...title, '--max-frames', 'lots', '--output', output), /--max-frames takes/);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('--transposed and --backward animate the transposed convolution and the backward pass; frame draws one step', async () => {
    const { default: omggif } = await import('omggif');
    const transposed = join(dir, 'transposed.gif');
    const layer = ['--input', '1,3,3', '--out-channels', '1', '-k', '3', '-s', '2', '-p', '1'];
    let r = convlab('gif', '--transposed', ...layer, '--output-padding', '1', '--output', transposed);
    expect(r.code, r.stderr).toBe(0);
    // One frame per output cell: (3 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 6, so 36.
    expect(new omggif.GifReader(new Uint8Array(readFileSync(transposed))).numFrames()).toBe(36);
    const backward = join(dir, 'backward.gif');
    const conv = ['--input', '1,5,5', '--out-channels', '1', '-k', '3'];
    r = convlab('gif', '--backward', ...conv, '-s', '2', '-p', '1', '--output', backward);
    expect(r.code, r.stderr).toBe(0);
    // 25 input cells (∂L/∂x), then 9 output cells (∂L/∂w).
    expect(new omggif.GifReader(new Uint8Array(readFileSync(backward))).numFrames()).toBe(34);
    const png = join(dir, 'backward.png');
    r = convlab('frame', '--backward', '--mode', 'values', ...conv, '--step', '30', '--output', png);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    r = convlab('gif', '--preset', 'transposed', '--out-dir', join(dir, 'tp'), '--cell-size', '12');
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'tp')).sort()).toEqual([
      't1-transposed-3x3-s2-p1-op1.gif',
      't2-transposed-2x2-k3.gif',
    ]);
  });

  it('refuses what the transposed and backward pictures cannot draw, in one line', () => {
    const output = join(dir, 'refused.gif');
    const layer = ['--out-channels', '1', '-k', '3', '--output', output];
    expectUsageError(convlab('gif', '--transposed', '--backward', '--input', '1,5,5', ...layer), /give one of them/);
    expectUsageError(
      convlab('gif', '--transposed', '--input', '3,5,5', ...layer),
      /--input .*one input and one output channel.*the input has 3/,
    );
    expectUsageError(
      convlab('gif', '--backward', '--input', '1,5,5', '--output-padding', '1', ...layer),
      /needs --transposed/,
    );
    expectUsageError(
      convlab('gif', '--transposed', '--input', '1,5,5', '-s', '2', '--output-padding', '2', ...layer),
      /output padding must be smaller than either stride or dilation/,
    );
    expectUsageError(convlab('gif', '--preset', 'forward', '--out-dir', dir), /'article', 'transposed' and 'backward'/);
    expect(existsSync(output)).toBe(false);
  });

  it("--preset article writes the article's nine figures with portable names", () => {
    const out = join(dir, 'article');
    const r = convlab('gif', '--preset', 'article', '--out-dir', out, '--cell-size', '12');
    expect(r.code, r.stderr).toBe(0);
    const names = readdirSync(out).sort();
    expect(names).toHaveLength(9);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]+\.gif$/);
    expect(r.stdout).toContain('4-input-3x7x9-out2-k5x2.gif (48 frames)'); // (2, 3, 8) as PyTorch says: 2·3·8 = 48 steps
  });

  it('writes one step, or the sheet, as PNG', () => {
    for (const extra of [
      ['--step', '5'],
      ['--sheet', '--cell-size', '10'],
    ]) {
      const output = join(dir, `frame-${extra[0]}.png`);
      const r = convlab('frame', ...title, ...extra, '--output', output);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(output).subarray(1, 4).toString()).toBe('PNG');
    }
  });

  it('refuses bad configurations and options: exit 2, one line, no file', () => {
    const output = join(dir, 'bad.gif');
    const cases: [string[], RegExp][] = [
      [
        ['gif', '--input', '3,7,7', '--out-channels', '2', '-k', '3', '-g', '2', '--output', output],
        /in_channels must be divisible by groups/,
      ],
      [['gif', ...title, '--mode', 'fancy', '--output', output], /mode must be 'structure' or 'values'/],
      [['gif', ...title, '--theme', 'blue', '--output', output], /theme must be 'light' or 'dark'/],
      [
        ['gif', ...title, '--frame-ms', '5', '--output', output],
        /invalid --frame-ms \(frameMs = 5\): frameMs must be an integer from 10 to 60000/,
      ],
      [['gif', ...title, '--cell-size', '500', '--output', output], /cellSize must be at most 96/],
      [['gif', ...title], /--output is required/],
      [['gif', '--preset', 'book', '--out-dir', dir], /the presets are 'article', 'transposed' and 'backward'/],
      [['gif', '--preset', 'article'], /--preset article needs --out-dir/],
      [['frame', ...title, '--step', '18', '--output', join(dir, 'bad.png')], /step must be an integer from 0 to 17/],
      [
        ['gif', ...title, '--lang', 'fr', '--output', output],
        /invalid --lang \(lang = 'fr'\): lang must be 'en' or 'zh-CN'/,
      ],
      [
        ['gif', '--input', '3,2000,2000', '--out-channels', '2', '-k', '3', '--output', output],
        /the visualizer draws at most 200000/,
      ],
    ];
    for (const [args, words] of cases) expectUsageError(convlab(...args), words);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('convlab net and solve', () => {
  it("describes a preset as a table and as JSON, with the receptive fields and torchvision's parameter count", () => {
    const table = convlab('net', '--preset', 'vgg16');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('total: 138,357,544 parameters');
    expect(table.stdout).toMatch(/features\.30\s+maxPool2d\s+\(512, 7, 7\)\s+212 × 212\s+32 × 32\s+90 × 90/);
    const json = convlab('net', '--preset', 'resnet50', '--input', '2,3,160,160', '--json');
    expect(json.code, json.stderr).toBe(0);
    const d = JSON.parse(json.stdout);
    expect(d.layers.find((l: { name: string }) => l.name === 'layer4.2.relu')).toMatchObject({
      outputShape: [2, 2048, 5, 5],
      receptiveField: [427, 427],
      effectiveStride: [32, 32],
    });
    expect(Object.keys(d.layers[0]).sort()).toEqual(
      [
        'effectivePadding',
        'effectiveStride',
        'inputs',
        'macs',
        'name',
        'outputShape',
        'parameters',
        'receptiveField',
        'type',
      ].sort(),
    );
  });

  it('reads layers from a JSON file, and refuses bad ones in one line naming the layer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convlab-net-'));
    const file = join(dir, 'net.json');
    writeFileSync(
      file,
      JSON.stringify([
        { type: 'conv2d', outChannels: 8, kernelSize: 3, stride: 2 },
        { type: 'maxPool2d', kernelSize: 2 },
      ]),
    );
    const r = convlab('net', '--layers', file, '--input', '3,32,32');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1\s+maxPool2d\s+\(8, 7, 7\)\s+5 × 5\s+4 × 4/);
    writeFileSync(file, JSON.stringify([{ type: 'maxPool2d', kernelSize: 2, padding: 2 }]));
    expectUsageError(
      convlab('net', '--layers', file, '--input', '3,32,32'),
      /pad should be at most half of kernel size.*\(layer 0, '0'\)/,
    );
    writeFileSync(file, '[{');
    expectUsageError(convlab('net', '--layers', file, '--input', '3,32,32'), /--layers .*not JSON/);
    expectUsageError(convlab('net', '--layers', file), /--input is required with --layers/);
    expectUsageError(convlab('net', '--preset', 'resnet101'), /--preset .*the presets are alexnet/);
    expectUsageError(convlab('net'), /give one of --preset NAME, --layers FILE or --onnx MODEL/);
  });

  it('reads an exported .onnx model: its skeleton, with the symbolic batch said', () => {
    const r = convlab('net', '--onnx', `${FIXTURES}onnx/small-cnn.onnx`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('input (1, 3, 32, 32)');
    expect(r.stdout).toMatch(/ConvTranspose.*convTranspose2d\s+\(1, 8, 16, 16\)/);
    expect(r.stdout).toContain("note: input dimension 0 is symbolic ('N'): read as 1");
    expectUsageError(convlab('net', '--onnx', `${FIXTURES}network-torch.json`), /--onnx|model/);
  });

  it("animates a model's convolution with its own weights (gif --onnx --layer)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'convlab-onnx-gif-'));
    const model = `${FIXTURES}onnx/skip-net.onnx`;
    // /mid/Conv: 4 → 6 channels, (3, 1) kernel, on the 7 × 6 map the model gives it: 6·7·6 steps.
    const r = convlab(
      'gif',
      '--onnx',
      model,
      '--layer',
      '/mid/Conv',
      '--mode',
      'values',
      '--cell-size',
      '8',
      '--output',
      join(dir, 'mid.gif'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(252 frames)');
    expectUsageError(
      convlab('gif', '--onnx', model, '--layer', 'nope', '--output', join(dir, 'x.gif')),
      /--layer 'nope'.*\/down\/Conv, \/mid\/Conv, \/up\/ConvTranspose, \/head\/Conv/,
    );
  });

  it('solve lists the ways to an output size, and converts TensorFlow SAME', () => {
    const r = convlab('solve', '--input', '224', '--output', '112', '--kernel', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ kernelSize: 3, stride: 2, padding: 1, dilation: 1 });
    const same = convlab('solve', '--input', '224', '--kernel', '3', '--stride', '2', '--tf-same');
    expect(same.stdout).toContain("TensorFlow 'SAME': output 112, padding 0 before and 1 after");
    expectUsageError(convlab('solve', '--input', '224'), /--output is required/);
    expectUsageError(convlab('solve', '--input', 'x', '--output', '3'), /--input/);
  });
});
