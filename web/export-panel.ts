// Export: the animation as a GIF (the library's encoder, the page's canvas drawing the frames), the
// current step as a PNG, the link to this state.
import { ConvlabError, drawFrame, encodeGifAsync } from '../src/entry-browser.js';
import { $, download } from './dom.js';
import type { View } from './view.js';

/** The GIF being made, if any: the button cancels it. */
let making: AbortController | null = null;

/**
 * The animation as a GIF: the library's encoder with the page's canvas drawing the frames, a slice at
 * a time (encodeGifAsync) so the page stays responsive, with progress and a cancel; the same frame
 * budget as the CLI (checkGifBudget). Decision: sliced on the page's thread rather than in a worker —
 * the frames are drawn with the page's web fonts, which a worker would have to load again.
 */
async function exportGif(view: View): Promise<void> {
  const { animation } = view;
  const button = $('export-gif');
  if (making) {
    making.abort();
    return;
  }
  if (!animation) return;
  const started = performance.now();
  const offscreen = document.createElement('canvas');
  offscreen.width = animation.width;
  offscreen.height = animation.height;
  const octx = offscreen.getContext('2d', { willReadFrequently: true })!;
  const chunks: Uint8Array[] = [];
  making = new AbortController();
  button.textContent = 'cancel GIF';
  try {
    const frames = await encodeGifAsync(
      animation,
      (frame, target) => {
        drawFrame(octx as never, frame);
        target.set(octx.getImageData(0, 0, frame.width, frame.height).data);
        return target;
      },
      { frameMs: Number($<HTMLSelectElement>('speed').value) },
      (chunk) => chunks.push(chunk),
      (done, total) => {
        $('export-status').textContent = `GIF: frame ${done} of ${total}…`;
      },
      { signal: making.signal },
    );
    const blob = new Blob(chunks as BlobPart[], { type: 'image/gif' });
    $('export-status').textContent =
      `GIF: ${frames} frames, ${(blob.size / 1024).toFixed(0)} KiB in ${((performance.now() - started) / 1000).toFixed(2)} s`;
    download(blob, 'convlab.gif');
  } catch (error) {
    if (!(error instanceof ConvlabError)) throw error;
    $('export-status').textContent = error.rule; // the budget's refusal, or 'the GIF was cancelled'
  } finally {
    making = null;
    button.textContent = 'GIF';
  }
}

export function setUpExport(view: View): void {
  $('export-gif').addEventListener('click', () => void exportGif(view));
  $('export-png').addEventListener('click', () =>
    view.canvas.toBlob((blob) => {
      if (blob) download(blob, `convlab-step${view.step}.png`);
    }, 'image/png'),
  );
  $('copy-link').addEventListener('click', () => {
    $('export-status').textContent = location.href;
  });
}
