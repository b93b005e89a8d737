import { defineConfig } from 'vite';

/**
 * The playground. The page imports the engine and the renderer from ../src (never copies). The dev
 * and preview servers send the headers that make the page cross-origin isolated, so WebAssembly
 * shared memory (the engine's threads) is available.
 */
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  // vega (about 540 kB) is a chunk of its own, loaded only when a sweep is charted.
  build: { outDir: '../dist-web', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 600 },
  server: { host: '127.0.0.1', port: 5173, headers: isolation },
  preview: { host: '127.0.0.1', port: 4173, headers: isolation },
  worker: { format: 'es' },
});
