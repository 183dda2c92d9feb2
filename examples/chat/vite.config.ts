import path from 'node:path'
import { defineConfig } from 'vite'
import { progressdbDev } from './dev/progressdb-dev.js'

export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    progressdbDev({
      dataDir: process.env.CHAT_DATA_DIR ?? path.join(import.meta.dirname, '.data'),
    }),
  ],
  oxc: { jsx: { runtime: 'automatic' } },
  // Bundled up front so the first page load never triggers a re-optimisation and reload.
  optimizeDeps: {
    include: ['react', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime'],
  },
  server: { host: '127.0.0.1', port: Number(process.env.PORT ?? 5173) },
})
