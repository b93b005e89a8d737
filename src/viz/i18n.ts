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
