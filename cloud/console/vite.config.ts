import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * The central console: one page served by the cloud at `/console/` from `cloud/console/dist`.
 * `vite --config cloud/console/vite.config.ts` serves it on :5174 with the API proxied to the
 * cloud (CLOUD_URL, default http://localhost:8787).
 */
export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: 5174,
    proxy: { '/api': { target: process.env['CLOUD_URL'] ?? 'http://localhost:8787' } },
  },
})
