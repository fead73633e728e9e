// Builds the responder's phone page into gateway/responder-ui/dist (served by the gateway at
// /responder/, its files under /responder/assets/).
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/responder/',
  plugins: [preact()],
  build: { outDir: here('./dist'), emptyOutDir: true, target: 'es2020' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
