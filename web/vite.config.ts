import { defineConfig } from 'vite';

// The dev server forwards every server-owned path to a running `cadenza serve`, so that the
// browser sees one origin. The proxy keeps the browser's Host header (changeOrigin: false), so
// the server builds the upload and media URLs it hands out on this dev server's origin.
const api = process.env.CADENZA_API ?? 'http://127.0.0.1:8080';
const proxied = ['/api', '/media', '/blobs', '/covers', '/healthz'];

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  server: {
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: api, changeOrigin: false }])),
  },
  build: {
    target: 'es2022',
    assetsDir: 'assets',
    // Cover placeholders and icons are tiny; inlining them as data: URLs would still be allowed
    // by the CSP, but keeping every asset a file makes caching uniform.
    assetsInlineLimit: 0,
  },
});
