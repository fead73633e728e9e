// Builds the admin and statistics screen into kiosk/admin-ui/dist (served by the kiosk at /admin/).
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/admin/',
  plugins: [preact()],
  build: { outDir: here('./dist'), emptyOutDir: true, target: 'es2020' },
  css: { modules: { localsConvention: 'camelCaseOnly' } },
  server: { proxy: { '/api': 'http://127.0.0.1:8090' } },
});
