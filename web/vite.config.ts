import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is built into web/dist and served by the Tradelane server (SPA fallback included).
// For development: run the server on :8080 and `npx vite --config web/vite.config.ts`; /v1 is proxied.
export default defineConfig(({ command }) => {
  // A build is always the production one, even when started from a test runner: NODE_ENV=test
  // would otherwise pull React's development build and JSX dev runtime into web/dist.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    base: '/',
    plugins: [react()],
    build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
    server: { proxy: { '/v1': 'http://localhost:8080', '/openapi.json': 'http://localhost:8080' } },
  };
});
