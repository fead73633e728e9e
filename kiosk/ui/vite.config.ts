// Builds the resident screens: the kiosk (index.html) and the phone page (follow.html), each its
// own small bundle, into kiosk/ui/dist (served by the kiosk service).
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [preact()],
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2020',
    rolldownOptions: { input: { kiosk: here('./index.html'), follow: here('./follow.html') } },
  },
  css: { modules: { localsConvention: 'camelCaseOnly' } },
  server: { proxy: { '/api': 'http://127.0.0.1:8090' } },
});
