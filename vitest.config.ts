import { defineConfig } from 'vitest/config';

/**
 * The tests in four groups (test/README.md maps them to the code):
 * - unit: the library from src/ — no build, no browser, no GPU (`npm run test:unit`);
 * - e2e: what needs the build — the CLI, the packed package in fresh projects, the API docs;
 * - browser: headless Chromium — the engine's pages and the playground;
 * - gpu: the WebGPU kernels (dawn.node on SwiftShader here; a GPU where there is one).
 * `npm test` builds and runs them all.
 */
const E2E = [
  'test/cli.test.ts',
  'test/package.test.ts',
  'test/relaxed-simd.test.ts',
  'test/api-docs.test.ts',
  'test/weights-cli.test.ts',
];
const BROWSER = ['test/browser.test.ts', 'test/web.test.ts'];
const GPU = ['test/webgpu.test.ts'];

const shared = {
  testTimeout: 30_000,
  pool: 'forks' as const,
  setupFiles: ['./test/setup.ts'],
  // WebGPU in Node without a GPU: dawn.node on SwiftShader, the Vulkan driver Debian's chromium ships.
  env: { VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json', XDG_RUNTIME_DIR: '/tmp' },
};

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/**/*.test.ts'], exclude: [...E2E, ...BROWSER, ...GPU] } },
      { test: { ...shared, name: 'e2e', include: E2E } },
      { test: { ...shared, name: 'browser', include: BROWSER } },
      { test: { ...shared, name: 'gpu', include: GPU } },
    ],
  },
});
