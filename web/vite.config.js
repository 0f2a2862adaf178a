// Build configuration for the luzhi staff console and the public portal.
// `npm run build` writes web/dist/, which the luzhi server embeds and serves at '/'
// (assets under /assets/, any other non-API path answered with index.html), and
// dist/portal.html, the portal's page, answered for /portal and /portal/*. The portal
// shares only Vue, vue-router and vue-i18n with the console (no Element Plus).
// `npm run dev` proxies /api to a running server: LUZHI_URL, default http://127.0.0.1:8080.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'

const backend = process.env.LUZHI_URL || 'http://127.0.0.1:8080'

export default defineConfig({
  base: '/',
  plugins: [vue()],
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/public': { target: backend, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // Element Plus is imported whole; it alone is close to 1 MB before gzip.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        portal: fileURLToPath(new URL('./portal.html', import.meta.url)),
      },
      output: {
        codeSplitting: {
          groups: [
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@vueuse|@floating-ui|@ctrl|async-validator|dayjs|lodash|lodash-es|lodash-unified|memoize-one|normalize-wheel-es)[\\/]/, priority: 20 },
            // Above element-plus: a group takes its modules' dependencies with it, so
            // Vue itself must be claimed first or the portal would load Element Plus's chunk.
            { name: 'vue', test: /node_modules[\\/](vue|@vue|vue-router|vue-i18n|@intlify)[\\/]/, priority: 30 },
          ],
        },
      },
    },
  },
})
