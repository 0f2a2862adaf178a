// Build configuration for the luzhi staff console.
// `npm run build` writes web/dist/, which the luzhi server embeds and serves at '/'
// (assets under /assets/, any other non-API path answered with index.html).
// `npm run dev` proxies /api to a running server: LUZHI_URL, default http://127.0.0.1:8080.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

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
      output: {
        codeSplitting: {
          groups: [
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@vueuse|@floating-ui|@ctrl|async-validator|dayjs|lodash|lodash-es|lodash-unified|memoize-one|normalize-wheel-es)[\\/]/, priority: 20 },
            { name: 'vue', test: /node_modules[\\/](vue|@vue|vue-router|vue-i18n|@intlify)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
})
