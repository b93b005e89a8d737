import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The font files the frames (@napi-rs/canvas) and the charts (resvg) are drawn with in Node, so the
 * output is the same on every machine whatever fonts it has: DejaVu Sans (assets/fonts/, its licence
 * in DejaVu-LICENSE.txt) and the package's own subset of Noto Sans SC for Chinese (SIL OFL).
 *
 * Returns DejaVu Sans regular and bold, and the CJK subset regular and bold.
 */
export function fontFiles(): { latin: string[]; cjk: string[] } {
  const fonts = fileURLToPath(new URL('../../assets/fonts/', import.meta.url));
  return {
    latin: [join(fonts, 'DejaVuSans.ttf'), join(fonts, 'DejaVuSans-Bold.ttf')],
    cjk: [join(fonts, 'NotoSansSC-convlab-Regular.ttf'), join(fonts, 'NotoSansSC-convlab-Bold.ttf')],
  };
}
