export { tensor, MAX_TENSOR_ELEMENTS } from './core/tensor.js';
export type { Tensor } from './core/tensor.js';
export { conv2d, conv2dAsync } from './engine/conv2d.js';
export { capabilities } from './engine/capabilities.js';
export { GpuTensor, conv2dGpu, toDevice } from './engine/gpu-tensor.js';
export { configure } from './core/platform.js';
export type { ConvlabSettings } from './core/platform.js';
export type { Capabilities } from './engine/capabilities.js';
export type { Conv2dCallOptions } from './core/call.js';
export type { Backend, ExecutionOptions } from './core/execution.js';
export { BACKENDS } from './core/execution.js';
export { selectKernel } from './kernels/select.js';
export type { KernelCapabilities } from './kernels/select.js';
export { KERNELS, kernelsSupporting } from './kernels/table.js';
export type { KernelBackend, KernelEntry, KernelName } from './kernels/table.js';
export { convOptionsOf, describeConv2d, formatDescription } from './core/describe.js';
export { kernelFor } from './engine/kernel-for.js';
export { largestWhile, layerBounds } from './core/bounds.js';
export type { AxisBounds } from './core/bounds.js';
export { layerTensors, timeLayer, timeLayerSync } from './bench/time-layer.js';
export type { LayerTiming, LayerTimingOptions } from './bench/time-layer.js';
export { formatTime, measure, measureSync, median, quantile } from './bench/measure.js';
export type { MeasureOptions, Timing } from './bench/measure.js';
export type { Conv2dDescription, LayerOptions } from './core/describe.js';
export type {
  Conv2dGeometry,
  Conv2dInfo,
  Conv2dOptions,
  IntPair,
  LayerSettings,
  PaddingMode,
  PaddingSides,
} from './core/resolve.js';
export { resolveConv2d, resolveSettings } from './core/resolve.js';
export { Conv2d } from './nn/conv2d.js';
export { convTranspose2d, convTranspose2dAsync } from './engine/conv-transpose2d.js';
export type { ConvTranspose2dCallOptions } from './engine/conv-transpose2d.js';
export type { ConvTranspose2dInfo, ConvTranspose2dOptions } from './core/transposed.js';
export { ConvTranspose2d } from './nn/conv-transpose2d.js';
export type { ConvTranspose2dLayerOptions, TransposedForwardOptions } from './nn/conv-transpose2d.js';
export { describeConvTranspose2d } from './core/describe-transposed.js';
export type { ConvTranspose2dDescription, TransposedLayerOptions } from './core/describe-transposed.js';
export { conv2dBackward, conv2dBackwardAsync } from './engine/conv2d-backward.js';
export type { Conv2dBackwardOptions, Conv2dGradients } from './engine/conv2d-backward.js';
export {
  conv1d,
  conv1dAsync,
  convTranspose1d,
  convTranspose1dAsync,
  causalConv1d,
  causalConv1dAsync,
  causalPadding,
} from './engine/conv1d.js';
export type {
  Conv1dCallOptions,
  Conv1dOptions,
  ConvTranspose1dCallOptions,
  ConvTranspose1dOptions,
  CausalConv1dOptions,
} from './engine/conv1d.js';
export { Conv1d, ConvTranspose1d } from './nn/conv1d.js';
export type { Conv1dLayerOptions, ConvTranspose1dLayerOptions } from './nn/conv1d.js';
export { convTranspose2dReference } from './kernels/reference-transposed.js';
export type { Conv2dLayerOptions } from './nn/conv2d.js';
export { pytorchConv2d, pytorchConvTranspose2d } from './nn/pytorch-text.js';
export { conv2dReference } from './kernels/reference.js';
export { Conv2dError, ConvlabError, MissingPackageError, NpyError, WeightsError } from './errors/index.js';
export { readNpy, writeNpy } from './io/npy.js';
export type { NpyArray } from './io/npy.js';
export { readNpz } from './io/npz.js';
export { readSafetensors, writeSafetensors } from './io/safetensors.js';
export type { StoredTensor } from './io/safetensors.js';
export { readStateDict, layerStateDict } from './io/state-dict.js';
export type { StateDict } from './io/state-dict.js';
export { createAnimation, captionFor, MAX_CELLS, MAX_CANVAS_SIDE, MAX_CANVAS_PIXELS } from './viz/frame.js';
export type {
  Animation,
  CellTarget,
  Connector,
  Frame,
  Linked,
  Shape,
  Picture,
  VizMode,
  VizOptions,
  Theme,
} from './viz/frame.js';
export type { StyleOptions } from './viz/picture.js';
export { createTransposedAnimation } from './viz/transposed-figure.js';
export type { Stamp, TransposedAnimation, TransposedVizOptions } from './viz/transposed-figure.js';
export { createBackwardAnimation } from './viz/backward-figure.js';
export type { BackwardAnimation, BackwardValues, BackwardVizOptions } from './viz/backward-figure.js';
export { THEMES, TAP_HUES } from './viz/theme.js';
export type { Palette } from './viz/theme.js';
export { titleFor, formulaLines, tuple } from './viz/captions.js';
export { createLinkMap, linkedCells } from './viz/links.js';
export type { InputCell, LinkMap, OutputCell, WeightCell } from './viz/links.js';
export { LANGS, WORDS, checkLang } from './viz/i18n.js';
export type { Lang, Words } from './viz/i18n.js';
export { traceCell, valueFromTrace, stepCount, stepPosition } from './viz/trace.js';
export type { CellTrace, Tap } from './viz/trace.js';
export { drawFrame, FONT_FAMILY, CJK_FONT_FAMILY, FONT_STACK } from './viz/render.js';
export type { Context2D } from './viz/render.js';
export type { FramePixels, GifOptions, GifPalette, GifRenderOptions } from './viz/gif.js';
export type { Rect } from './viz/layout.js';
export {
  GifWriter,
  encodeGif,
  encodeGifAsync,
  frameDelay,
  paletteFrom,
  checkGifBudget,
  DEFAULT_FRAME_MS,
  MIN_LAST_FRAME_MS,
  GIF_PIXEL_BUDGET,
} from './viz/gif.js';
export { ARTICLE_FIGURES, EXTRA_FIGURES, TRANSPOSED_FIGURES, BACKWARD_FIGURES } from './viz/presets.js';
export type { Figure, TransposedFigure } from './viz/presets.js';
export { defineConvAnimation, optionsFromAttributes } from './viz/element.js';
export { KERNEL_PRESETS, filterRgba } from './viz/filter.js';
export type { KernelPreset } from './viz/filter.js';
export {
  cellField,
  cellFields,
  describeNetwork,
  inputShapeOf,
  SHAPE_KEEPING_TYPES,
} from './network/describe-network.js';
export type {
  AdaptivePoolLayer,
  CellFieldOf,
  Conv1dLayer,
  Conv2dLayer,
  ConvTranspose2dLayer,
  FlattenLayer,
  LinearLayer,
  MergeLayer,
  NetworkDescription,
  NetworkLayer,
  NetworkLayerDescription,
  PadLayer,
  PoolLayer,
  ShapeKeepingLayer,
} from './network/describe-network.js';
export { NETWORK_PRESETS, networkPreset } from './network/presets.js';
export type { NetworkPreset } from './network/presets.js';
export { solvePadding, tfSamePadding } from './network/solve.js';
export type { Solution, SolveOptions, TfSamePadding } from './network/solve.js';
export type { PoolOptions } from './network/pool.js';
export { onnxNetwork } from './network/onnx.js';
export type { OnnxNetwork, OnnxProto } from './network/onnx.js';
