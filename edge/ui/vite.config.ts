import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

/** The web apps the appliance serves, one page each (ARCHITECTURE.md §3.5). */
export const UI_APPS = ['kiosk', 'display', 'counter', 'operator', 'manager', 'status'] as const

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * One multi-page build: `dist/<app>/index.html` per app and shared hashed assets in
 * `dist/assets/`. `pnpm dev:ui` serves the same pages on :5173 with the API proxied to the
 * appliance (EDGE_URL, default http://localhost:8080).
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      input: {
        index: `${root}index.html`,
        ...Object.fromEntries(UI_APPS.map((app) => [app, `${root}${app}/index.html`])),
      },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/audio', '/mqtt'].map((path) => [
        path,
        { target: process.env['EDGE_URL'] ?? 'http://localhost:8080', ws: path === '/mqtt' },
      ]),
    ),
  },
})
