// The public portal: a second, light entry of the web build (no Element Plus — plain
// semantic HTML and a little CSS, for screen readers and phones).
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.js'
import { i18n, initialLocale, setLocale } from './i18n.js'
import './portal.css'

setLocale(initialLocale(), { remember: false }).finally(() => {
  createApp(App).use(i18n).use(router).mount('#portal')
})
