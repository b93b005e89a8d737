/**
 * Every error convlab raises on purpose is a {@link ConvlabError}: it names the argument, the value
 * it got and the rule that value broke, so the library, the CLI and the page can all say the same
 * thing. Anything else that escapes is a bug.
 */

/** Quotes a string on one line: control characters escaped, long text shortened. */
function quote(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
  const oneLine = text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return `'${oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine}'`;
}

/** Renders a value the way a one-line message should quote it: strings quoted, arrays as [a, b]. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  // A message stays one readable line: a long array shows its first items and its length.
  if (Array.isArray(value))
    return value.length > 16
      ? `[${value.slice(0, 12).map(formatValue).join(', ')}, … (${value.length} items)]`
      : `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    /* cyclic or otherwise unprintable: fall through */
  }
  return Object.prototype.toString.call(value);
}

/** Base class: one argument, its value, the rule it broke. */
export class ConvlabError extends Error {
  /** The argument at fault, by its API name (`groups`, `padding`, `input`, ...). */
  readonly argument: string;
  /** The value that was given. */
  readonly value: unknown;
  /** The rule, in PyTorch's words where PyTorch has words. */
  readonly rule: string;

  constructor(argument: string, value: unknown, rule: string) {
    super(`Invalid ${argument} = ${formatValue(value)}: ${rule}`);
    this.name = new.target.name;
    this.argument = argument;
    this.value = value;
    this.rule = rule;
  }
}

/**
 * A convolution configuration that convlab (and PyTorch, where it has a rule) refuses.
 *
 * @example
 * try { new Conv2d(4, 4, 3, { groups: 3 }) } catch (e) {
 *   // e.argument === 'groups', e.message === "Invalid groups = 3: in_channels must be divisible by groups (in_channels = 4)"
 * }
 */
export class Conv2dError extends ConvlabError {}

/** A `.npy` file that cannot be read as a tensor, or a tensor that cannot be written as one. */
export class NpyError extends ConvlabError {}

/** A weights file (.safetensors, .npz) that convlab cannot read, or a layer it does not hold. */
export class WeightsError extends ConvlabError {}

/**
 * A feature needs a package that is not installed (the heavy parts — rendering, charts, the Node
 * WebGPU binding, benchmark peers — are optional peer dependencies). The message says what to install.
 */
export class MissingPackageError extends ConvlabError {
  constructor(packageName: string, feature: string) {
    super(packageName, null, `${feature} needs ${packageName}: npm install ${packageName}`);
    this.message = this.rule;
  }
}

/** Whether `error` says that `packageName` could not be found (Node's ESM and CommonJS wordings). */
export function isMissingPackage(error: unknown, packageName: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  const message = String((error as Error | null)?.message ?? '');
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(packageName);
}

/**
 * Loads a module that depends on an optional package; a missing package becomes a
 * MissingPackageError naming it and the feature that needs it, any other failure passes through.
 */
export async function loadOptional<T>(
  load: () => Promise<T>,
  packages: readonly string[],
  feature: string,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing = packages.find((name) => isMissingPackage(error, name));
    if (missing) throw new MissingPackageError(missing, feature);
    throw error;
  }
}
