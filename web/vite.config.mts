import { defineConfig } from 'vite';

// No React plugin: Vite's own transform compiles TSX with the automatic JSX runtime, and the
// dashboard needs no fast refresh in production builds. Output goes to web/dist, which the
// Fastify server serves at / when it exists.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1000,
  },
  oxc: {
    jsx: { runtime: 'automatic' },
  },
  server: {
    proxy: { '/graphql': 'http://localhost:4000' },
  },
});
