import { defineConfig } from 'vite';

/**
 * dist/embed/conv-animation.js: <conv-animation> in one self-contained ES module (no dependencies, no
 * WebAssembly: the picture needs only the frame model, the reference kernel and the renderer), for a
 * page that includes it with one script tag.
 */
export default defineConfig({
  root: import.meta.dirname,
  publicDir: false,
  build: {
    outDir: '../dist/embed',
    emptyOutDir: true,
    target: 'es2022',
    lib: { entry: '../src/viz/element-entry.ts', formats: ['es'], fileName: () => 'conv-animation.js' },
  },
});
