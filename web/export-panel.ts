// Export: the animation as a GIF (the library's encoder, the page's canvas drawing the frames), the
// current step as a PNG, the link to this state.
import { ConvlabError, drawFrame, encodeGif } from '../src/entry-browser.js';
import { $, download } from './dom.js';
import type { View } from './view.js';

function exportGif(view: View): void {
  const { animation } = view;
  if (!animation) return;
  const started = performance.now();
  const offscreen = document.createElement('canvas');
  offscreen.width = animation.width;
  offscreen.height = animation.height;
  const octx = offscreen.getContext('2d', { willReadFrequently: true })!;
  const chunks: Uint8Array[] = [];
  let frames: number;
  try {
    frames = encodeGif(
      animation,
      (frame, target) => {
        drawFrame(octx as never, frame);
        target.set(octx.getImageData(0, 0, frame.width, frame.height).data);
        return target;
      },
      { frameMs: Number($<HTMLSelectElement>('speed').value) },
      (chunk) => chunks.push(chunk),
    );
  } catch (error) {
    if (!(error instanceof ConvlabError)) throw error;
    $('export-status').textContent = error.rule;
    return;
  }
  const blob = new Blob(chunks as BlobPart[], { type: 'image/gif' });
  $('export-status').textContent =
    `GIF: ${frames} frames, ${(blob.size / 1024).toFixed(0)} KiB in ${((performance.now() - started) / 1000).toFixed(2)} s`;
  download(blob, 'convlab.gif');
}

export function setUpExport(view: View): void {
  $('export-gif').addEventListener('click', () => exportGif(view));
  $('export-png').addEventListener('click', () =>
    view.canvas.toBlob((blob) => {
      if (blob) download(blob, `convlab-step${view.step}.png`);
    }, 'image/png'),
  );
  $('copy-link').addEventListener('click', () => {
    $('export-status').textContent = location.href;
  });
}
