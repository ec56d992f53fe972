import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The config is loaded from the repository root (`vite --config web/vite.config.ts`), so the root is pinned to
// this folder explicitly; the Fastify server serves the build output from web/dist.
const webRoot = fileURLToPath(new URL('.', import.meta.url));
const apiServer = process.env.BILLSYNC_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No source maps in the build: web/dist is what production serves (the server refuses *.map anyway).
    // `npm run dev:web` still maps everything in the browser.
    sourcemap: false,
    // The vendor chunk holds recharts (the dashboard and reconciliation charts) since issue 17: about 560 kB,
    // 180 kB gzipped. A chunk of its own makes a circular chunk with its shared helpers; served once and cached.
    chunkSizeWarningLimit: 650,
    rollupOptions: {
      output: {
        // Libraries change less often than our code: separate chunks stay cached across releases.
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined;
          if (id.includes('@mantine') || id.includes('@tabler')) return 'ui';
          if (/node_modules\/(react|react-dom|react-router|scheduler)\//.test(id)) return 'react';
          return 'vendor';
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': apiServer,
      '/health': apiServer,
      '/docs': apiServer,
    },
  },
});
