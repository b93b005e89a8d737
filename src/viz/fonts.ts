import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The font files the frames (@napi-rs/canvas) and the charts (resvg) are drawn with in Node, so the
 * output is the same on every machine whatever fonts it has: DejaVu Sans from the `dejavu-fonts-ttf`
 * package, and the package's own subset of Noto Sans SC for Chinese (assets/fonts/, SIL OFL).
 *
 * Returns DejaVu Sans regular and bold, and the CJK subset regular and bold.
 */
export function fontFiles(): { latin: string[]; cjk: string[] } {
  const dejavu = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const cjk = fileURLToPath(new URL('../../assets/fonts/', import.meta.url));
  return {
    latin: [join(dejavu, 'DejaVuSans.ttf'), join(dejavu, 'DejaVuSans-Bold.ttf')],
    cjk: [join(cjk, 'NotoSansSC-convlab-Regular.ttf'), join(cjk, 'NotoSansSC-convlab-Bold.ttf')],
  };
}

