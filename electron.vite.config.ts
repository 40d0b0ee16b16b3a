import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';

// One build for every entry: the Electron main process, the loopback web shell and
// the CLI share src/main, so they are bundled together (shared chunks) for Node.
export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    resolve: { alias: { '@shared': resolve('src/shared') } },
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          web: resolve('src/main/web/main.ts'),
          cli: resolve('src/cli/main.ts'),
          // CSV imports parse in this worker thread (found beside the bundle at run time).
          'import-worker': resolve('src/main/import/csv-worker.ts'),
        },
      },
    },
  },
  preload: {
    // Sandboxed preloads cannot require(): bundle everything into one file.
    resolve: { alias: { '@shared': resolve('src/shared') } },
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve('src/preload/index.ts') }, output: { format: 'cjs' } },
    },
  },
  renderer: {
    root: 'src/renderer',
    resolve: { alias: { '@shared': resolve('src/shared'), '@renderer': resolve('src/renderer/src') } },
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
