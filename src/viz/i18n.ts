import { Conv2dError } from '../errors/index.js';

/**
 * The words of the pictures and charts, in English and Simplified Chinese (the article this project
 * follows is read in both). Numbers, shapes and formulas are the same in every language; only words
 * change. Chinese text is drawn with a subset of Noto Sans SC that the package ships
 * (scripts/subset-cjk-font.mjs keeps it in step with these strings).
 */

export type Lang = 'en' | 'zh-CN';
export const LANGS: readonly Lang[] = ['en', 'zh-CN'];

/** 'en', 'zh-CN' (or 'zh'), else a Conv2dError naming `lang`. */
export function checkLang(value: unknown): Lang {
  if (value === undefined) return 'en';
  if (value === 'en' || value === 'zh-CN') return value;
  if (value === 'zh') return 'zh-CN';
  throw new Conv2dError('lang', value, "lang must be 'en' or 'zh-CN' (or 'zh')");
}

/** Every word of the pictures and charts in one language. */
export interface Words {
  input: string;
  kernels: string;
  output: string;
  bias: string;
  group: (g: number) => string;
  concatenated: string;
  /** The caption's two leading labels (the rest is the article's K, P, S, D, G). */
  inputShape: string;
  outputShape: string;
  /** The separator after a label: ': ' or the full-width '：'. */
  colon: string;
  paddingMode: Record<'zeros' | 'reflect' | 'replicate' | 'circular', string>;
  /** Title parts, e.g. "Kernel size (5, 2)". */
  kernelSize: string;
  stride: string;
  padding: string;
  dilation: string;
  groups: string;
  depthwise: string;
  channels: (inChannels: number, outChannels: number) => string;
  /** The values mode's legend under the sum line. */
  sumLegend: string;
  /** The transposed convolution's picture. */
  transposed: {
    title: string;
    outputPadding: string;
    /** The heading of the scatter view. */
    scatter: string;
    /** The heading of the equivalent convolution: zeros between cells, before and after them, the kernel flipped. */
    direct: (between: string, before: string, after: string) => string;
    kernel: string;
    flipped: string;
    /** The scatter view's output before the crop. */
    stamped: string;
    /** Under the scatter view: what the grey ring and the dashed band are. */
    legend: (cropped: boolean, outputPadding: boolean) => string;
    /** The values mode's legend under the sum line. */
    sumLegend: string;
  };
  /** The backward pass's picture. */
  backward: {
    title: string;
    input: string;
    weight: string;
    gradOutput: string;
    gradInput: string;
    gradWeight: string;
    /** The heading while ∂L/∂x fills: which output gradients reach this input cell. */
    reach: string;
    /** The heading while ∂L/∂w fills: patches times gradients, summed. */
    patches: string;
    /** The values mode's legends of the two parts. */
    reachLegend: string;
    patchesLegend: string;
  };
  /** Chart words. */
  chart: {
    parameters: string;
    time: string;
    gflops: string;
    notMeasured: string;
    coincide: (series: string[], what: string) => string;
    axis: Record<string, string>;
  };
}

export const WORDS: Record<Lang, Words> = {
  en: {
    input: 'input',
    kernels: 'kernels',
    output: 'output',
    bias: 'bias',
    group: (g) => `group ${g}`,
    concatenated: 'concatenated',
    inputShape: 'Input shape',
    outputShape: 'Output shape',
    colon: ': ',
    paddingMode: { zeros: 'zeros', reflect: 'reflect', replicate: 'replicate', circular: 'circular' },
    kernelSize: 'Kernel size',
    stride: 'Stride',
    padding: 'Padding',
    dilation: 'Dilation',
    groups: 'Groups',
    depthwise: 'depthwise',
    channels: (i, o) => `In channels ${i} → out channels ${o}`,
    sumLegend: "Σcᵢ: input channel i's window times its kernel slice, summed · b: the bias",
    transposed: {
      title: 'Transposed convolution',
      outputPadding: 'output padding',
      scatter: 'Scatter: each input cell stamps the kernel, times its value, onto the output; overlaps add up',
      direct: (between, before, after) =>
        `The same as a convolution: zeros inserted, ${between} between input cells, ${before} before them, ${after} after; the kernel flipped`,
      kernel: 'kernel',
      flipped: 'kernel, flipped',
      stamped: 'output',
      legend: (cropped, outputPadding) =>
        [
          cropped ? 'grey: stamped, then cropped by padding' : '',
          outputPadding ? 'dashed: the row / column output_padding adds' : '',
        ]
          .filter(Boolean)
          .join(' · '),
      sumLegend: 'each term: an input cell times the kernel tap of its colour that lands on this cell · b: the bias',
    },
    backward: {
      title: 'Backward pass',
      input: 'input x',
      weight: 'kernel w',
      gradOutput: 'output gradient ∂L/∂y',
      gradInput: '∂L/∂x',
      gradWeight: '∂L/∂w',
      reach: '∂L/∂x: the output gradients that reach this input cell, each times the weight that read it',
      patches: '∂L/∂w: each output gradient times the input patch it read, summed over the output',
      reachLegend: 'each term: an output gradient times the weight of its colour',
      patchesLegend: '∂L/∂w so far: the patches of the output cells done, each times its gradient',
    },
    chart: {
      parameters: 'trainable parameters',
      time: 'forward time (ms)',
      gflops: 'GFLOP/s',
      notMeasured: 'not measured (time budget)',
      coincide: (series, what) => `${series.join(', ')}: the same ${what} (the lines coincide)`,
      axis: {
        'out-channels': 'out_channels',
        'in-channels': 'in_channels',
        'input-size': 'input size (H = W)',
        'kernel-size': 'kernel size',
        stride: 'stride',
        padding: 'padding',
        dilation: 'dilation',
        groups: 'groups',
        batch: 'batch',
        'padding-mode': 'padding mode',
        bias: 'bias',
      },
    },
  },
  'zh-CN': {
    input: '输入',
    kernels: '卷积核',
    output: '输出',
    bias: '偏置',
    group: (g) => `第 ${g} 组`,
    concatenated: '拼接',
    inputShape: '输入形状',
    outputShape: '输出形状',
    colon: '：',
    paddingMode: { zeros: '零填充', reflect: '反射填充', replicate: '复制填充', circular: '循环填充' },
    kernelSize: '卷积核大小',
    stride: '步幅',
    padding: '填充',
    dilation: '膨胀',
    groups: '分组',
    depthwise: '深度卷积',
    channels: (i, o) => `输入通道 ${i} → 输出通道 ${o}`,
    sumLegend: 'Σcᵢ：输入通道 i 的窗口与其卷积核切片逐元素相乘后求和 · b：偏置',
    transposed: {
      title: '转置卷积',
      outputPadding: '输出填充',
      scatter: '散射视角：每个输入单元把卷积核乘以自身的值印到输出上，重叠处相加',
      direct: (between, around) =>
        `等价的普通卷积：输入单元之间插入 ${between} 个零，四周补 ${around} 个零，卷积核翻转`,
      kernel: '卷积核',
      flipped: '翻转的卷积核',
      stamped: '输出',
      legend: (cropped, outputPadding) =>
        [cropped ? '灰色：印上后被填充裁掉' : '', outputPadding ? '虚线：输出填充增加的行 / 列' : '']
          .filter(Boolean)
          .join(' · '),
      sumLegend: '每一项：一个输入单元乘以落在此处的同色卷积核元素 · b：偏置',
    },
    backward: {
      title: '反向传播',
      input: '输入 x',
      weight: '卷积核 w',
      gradOutput: '输出梯度 ∂L/∂y',
      gradInput: '∂L/∂x',
      gradWeight: '∂L/∂w',
      reach: '∂L/∂x：到达这个输入单元的输出梯度，各乘以读取它的权重',
      patches: '∂L/∂w：每个输出梯度乘以它读取的输入块，对整个输出求和',
      reachLegend: '每一项：一个输出梯度乘以同色的权重',
      patchesLegend: '目前的 ∂L/∂w：已完成的输出单元的输入块，各乘以其梯度',
    },
    chart: {
      parameters: '可训练参数',
      time: '前向时间 (ms)',
      gflops: 'GFLOP/s',
      notMeasured: '未测量（超出时间预算）',
      coincide: (series, what) => `${series.join('、')}：${what}相同（曲线重合）`,
      axis: {
        'out-channels': '输出通道 out_channels',
        'in-channels': '输入通道 in_channels',
        'input-size': '输入尺寸 (H = W)',
        'kernel-size': '卷积核大小',
        stride: '步幅',
        padding: '填充',
        dilation: '膨胀',
        groups: '分组',
        batch: '批大小',
        'padding-mode': '填充模式',
        bias: '偏置',
      },
    },
  },
};

/** Every string of `WORDS[lang]` (functions called with sample arguments): what the shipped font must cover. */
export function allText(lang: Lang): string {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'function') out.push(String((value as (...a: unknown[]) => unknown)(['0', '1'], '0')));
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(WORDS[lang]);
  return out.join('\n');
}
