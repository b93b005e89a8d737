import { progressReporter } from './progress.js';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { TransposedLayerOptions } from '../core/describe-transposed.js';
import type { LayerOptions } from '../core/describe.js';
import { loadOptional } from '../errors/index.js';
import { createBackwardAnimation } from '../viz/backward-figure.js';
import { type VizOptions, createAnimation } from '../viz/frame.js';
import type { Picture } from '../viz/picture.js';
import { createTransposedAnimation } from '../viz/transposed-figure.js';
import { type NetworkLayer, describeNetwork, inputShapeOf } from '../network/describe-network.js';
import { readOnnxNetwork } from '../network/onnx-node.js';
import { readWholeFileFor } from './files.js';
import { DEFAULT_FRAME_MS, GIF_PIXEL_BUDGET, MIN_LAST_FRAME_MS } from '../viz/gif.js';
import type { GifRenderOptions } from '../viz/node.js';
import { ARTICLE_FIGURES, BACKWARD_FIGURES, TRANSPOSED_FIGURES } from '../viz/presets.js';
import {
  type LayerFlagValues,
  type TransposedFlagValues,
  UsageError,
  addConvFlags,
  addLayerFlags,
  addTransposedFlags,
  layerFromFlags,
  parseNumber,
  transposedOptionsFromFlags,
} from './flags.js';
import { prepareOutputFolder, writeFileAtomically, writeStreamAtomically } from './files.js';

interface VizFlags extends LayerFlagValues {
  mode: string;
  theme: string;
  lang: string;
  title?: string;
  cellSize?: string;
  batch?: string;
}

interface PictureFlags extends VizFlags, TransposedFlagValues {
  backward?: boolean;
  onnx?: string;
  layer?: string;
}

interface GifFlags extends PictureFlags {
  output?: string;
  preset?: string;
  outDir?: string;
  frameMs: string;
  lastFrameMs?: string;
  maxFrames?: string;
}
interface FrameFlags extends PictureFlags {
  step?: string;
  sheet?: boolean;
  output: string;
}

function addVizFlags(command: Command): Command {
  return command
    .option('--mode <mode>', "'structure' (the article's look) or 'values' (numbers, products, sums)", 'structure')
    .option('--theme <theme>', "'light' or 'dark'", 'light')
    .option('--lang <lang>', "language of the words: 'en' or 'zh' (Simplified Chinese)", 'en')
    .option('--title <text>', 'the title line (default: named from the arguments that differ from the defaults)')
    .option('--cell-size <px>', 'cell size in pixels (default 24, or 32 in values mode)')
    .option('--batch <n>', 'which image of a batched input to show (values mode)');
}

function vizOptions(flags: VizFlags): VizOptions {
  return {
    mode: flags.mode as VizOptions['mode'],
    theme: flags.theme as VizOptions['theme'],
    lang: flags.lang as VizOptions['lang'],
    ...(flags.title === undefined ? {} : { title: flags.title }),
    ...(flags.cellSize === undefined ? {} : { cellSize: parseNumber('--cell-size', flags.cellSize) }),
    ...(flags.batch === undefined ? {} : { batch: parseNumber('--batch', flags.batch) }),
  };
}

/** Adds --transposed, --output-padding and --backward: which picture `gif` and `frame` draw. */
function addPictureFlags(command: Command): Command {
  return addTransposedFlags(command).option(
    '--backward',
    'the backward pass: which output gradients reach each input cell (∂L/∂x), then each output gradient times its patch (∂L/∂w)',
  );
}

/** The picture the flags ask for: the forward convolution, the transposed one (--transposed) or the backward pass (--backward). */
function pictureFromFlags(flags: PictureFlags): Picture {
  if (flags.transposed && flags.backward)
    throw new UsageError('--backward', '', '--transposed and --backward draw different pictures: give one of them');
  const { inputShape, layer } = layerFromFlags(flags);
  const transposed = transposedOptionsFromFlags(flags);
  const options = vizOptions(flags);
  if (transposed) {
    const { outChannels, kernelSize, bias } = layer;
    return createTransposedAnimation(
      inputShape,
      { outChannels, kernelSize, bias, ...transposed } as unknown as TransposedLayerOptions,
      options,
    );
  }
  if (flags.backward) return createBackwardAnimation(inputShape, layer as unknown as LayerOptions, options);
  return createAnimation(inputShape, layer as unknown as LayerOptions, options);
}

/**
 * A convolution of an .onnx model, with the model's weights (shown in values mode): the layer named by
 * --layer, on the shape it reads in the model.
 */
async function pictureFromModel(flags: PictureFlags): Promise<Picture> {
  const model = await readOnnxNetwork(readWholeFileFor('--onnx', flags.onnx!, 2 ** 30, 'a model'));
  const convolutions = model.layers.filter((l) => l.type === 'conv2d' || l.type === 'convTranspose2d');
  const layer = convolutions.find((l) => l.name === flags.layer);
  if (!layer)
    throw new UsageError(
      '--layer',
      flags.layer ?? '',
      `name one of the model's convolutions: ${convolutions.map((l) => l.name).join(', ')}`,
    );
  const inputShape = inputShapeOf(describeNetwork(model.inputShape, model.layers), layer.name!);
  const { weight, bias } = model.weights.get(layer.name!)!;
  const {
    type,
    name: _n,
    input: _i,
    ...options
  } = layer as Extract<NetworkLayer, { type: 'conv2d' | 'convTranspose2d' }>;
  const viz = { ...vizOptions(flags), weight, bias };
  return type === 'conv2d'
    ? createAnimation(inputShape, options as LayerOptions, viz)
    : createTransposedAnimation(inputShape, options as TransposedLayerOptions, viz);
}

/** The figures of a preset, each as a named picture. */
function presetPictures(name: string, options: VizOptions): { name: string; make: () => Picture }[] {
  if (name === 'article')
    return ARTICLE_FIGURES.map((f) => ({ name: f.name, make: () => createAnimation(f.inputShape, f.layer, options) }));
  if (name === 'transposed')
    return TRANSPOSED_FIGURES.map((f) => ({
      name: f.name,
      make: () => createTransposedAnimation(f.inputShape, f.layer, options),
    }));
  if (name === 'backward')
    return BACKWARD_FIGURES.map((f) => ({
      name: f.name,
      make: () => createBackwardAnimation(f.inputShape, f.layer, options),
    }));
  throw new UsageError('--preset', name, "the presets are 'article', 'transposed' and 'backward'");
}

/** The Node renderer, or a MissingPackageError naming @napi-rs/canvas (an optional peer dependency). */
function loadRenderer(feature: string) {
  return loadOptional(() => import('../viz/node.js'), ['@napi-rs/canvas'], feature);
}

/** Progress on stderr for GIFs of 30 frames or more. */
const progress = (label: string) => progressReporter((done, total) => `${label}: frame ${done}/${total}`, 30);

async function writeGif(path: string, animation: Picture, timing: GifRenderOptions): Promise<number> {
  const { renderGifAsync, checkGifBudget } = await loadRenderer('convlab gif');
  // Refused before the file is opened: the budget depends only on the frame count and the canvas.
  checkGifBudget(animation.steps, animation.width, animation.height, timing.maxFrames);
  let frames = 0;
  // Frames are made a slice at a time so an interrupt is handled at once (the temporary file removed).
  await writeStreamAtomically('--output', path, async (write) => {
    frames = await renderGifAsync(animation, timing, write, progress(path));
  });
  return frames;
}

function timingOf(flags: GifFlags): GifRenderOptions {
  const maxFrames = flags.maxFrames === undefined ? undefined : parseNumber('--max-frames', flags.maxFrames);
  if (maxFrames !== undefined && (!Number.isInteger(maxFrames) || maxFrames < 1)) {
    throw new UsageError('--max-frames', flags.maxFrames!, '--max-frames takes a positive integer');
  }
  return {
    frameMs: parseNumber('--frame-ms', flags.frameMs),
    ...(flags.lastFrameMs === undefined ? {} : { lastFrameMs: parseNumber('--last-frame-ms', flags.lastFrameMs) }),
    ...(maxFrames === undefined ? {} : { maxFrames }),
  };
}

/** `convlab gif` and `convlab frame`: the article's animations, for any configuration. */
export function registerGif(program: Command): void {
  const gif = program
    .command('gif')
    .description("animate a convolution as a looping GIF; --preset article writes the article's nine figures")
    .option(
      '--preset <name>',
      "'article': the nine figures of the article; 'transposed', 'backward': the docs' figures of those (layer flags not needed)",
    )
    .option('--out-dir <dir>', 'with --preset: the folder for the figures')
    .option('--input <shape>', 'input shape: C,H,W or N,C,H,W')
    .option('--out-channels <n>', 'output channels')
    .option('-k, --kernel-size <k>', 'kernel size: an integer or h,w');
  addConvFlags(gif)
    .option('--no-bias', 'the layer has no bias')
    .option('--frame-ms <ms>', 'time per frame (the article: 300)', String(DEFAULT_FRAME_MS))
    .option('--last-frame-ms <ms>', `time the last frame stays (default: at least ${MIN_LAST_FRAME_MS})`)
    .option(
      '--max-frames <n>',
      `allow this many frames (by default a GIF is refused past ${GIF_PIXEL_BUDGET.toExponential(0)} px of frames × canvas)`,
    )
    .option('--output <file>', 'the GIF to write (written whole or not at all)');
  addPictureFlags(addVizFlags(gif))
    .option(
      '--onnx <model>',
      'a convolution of an .onnx model, with its weights (values mode shows them); name it with --layer',
    )
    .option('--layer <name>', "with --onnx: the convolution's name (convlab net --onnx lists them)")
    .action(async (flags: GifFlags) => {
      const options = vizOptions(flags);
      const timing = timingOf(flags);
      if (flags.preset !== undefined) {
        const pictures = presetPictures(flags.preset, options);
        if (!flags.outDir)
          throw new UsageError('--out-dir', flags.outDir ?? '', `--preset ${flags.preset} needs --out-dir DIR`);
        prepareOutputFolder('--out-dir', flags.outDir);
        for (const picture of pictures) {
          const path = join(flags.outDir, `${picture.name}.gif`);
          const frames = await writeGif(path, picture.make(), timing);
          process.stdout.write(`wrote ${path} (${frames} frames)\n`);
        }
        return;
      }
      if (flags.onnx !== undefined) {
        if (!flags.output) throw new UsageError('--output', '', '--output is required');
        const frames = await writeGif(flags.output, await pictureFromModel(flags), timing);
        process.stdout.write(`wrote ${flags.output} (${frames} frames)\n`);
        return;
      }
      for (const [flag, value] of [
        ['--input', flags.input],
        ['--out-channels', flags.outChannels],
        ['--kernel-size', flags.kernelSize],
        ['--output', flags.output],
      ] as const) {
        if (value === undefined)
          throw new UsageError(flag, '', `${flag} is required (or use --preset article --out-dir DIR)`);
      }
      const frames = await writeGif(flags.output!, pictureFromFlags(flags), timing);
      process.stdout.write(`wrote ${flags.output} (${frames} frames)\n`);
    });

  const frame = program
    .command('frame')
    .description('one step of the animation as a PNG (or every step on one sheet with --sheet)');
  addPictureFlags(addVizFlags(addLayerFlags(frame)))
    .option('--step <n>', 'the step to draw, from 0', '0')
    .option('--sheet', 'every step on one sheet instead')
    .requiredOption('--output <file>', 'the PNG to write')
    .action(async (flags: FrameFlags) => {
      const animation = pictureFromFlags(flags);
      const { framePng, sheetPng } = await loadRenderer('convlab frame');
      const step = parseNumber('--step', flags.step ?? '0');
      const png = flags.sheet ? sheetPng(animation) : framePng(animation, step);
      writeFileAtomically('--output', flags.output, png);
      process.stdout.write(
        `wrote ${flags.output} (${flags.sheet ? `${animation.steps} steps` : `step ${step} of ${animation.steps}`})\n`,
      );
    });
}
