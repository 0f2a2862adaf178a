// Languages of the console: zh-CN (default) and en. The choice is remembered in
// localStorage, sent to the server as Accept-Language, and switches Element Plus's
// own texts (pagination, date pickers, empty tables) at the same time.
import { computed } from 'vue'
import { createI18n } from 'vue-i18n'
import zhCnElement from 'element-plus/es/locale/lang/zh-cn'
import enElement from 'element-plus/es/locale/lang/en'
import zhCN from './locales/zh-CN.json'
import en from './locales/en.json'
// The cases module's texts (办件) are kept in their own files.
import casesZhCN from './locales/cases.zh-CN.json'
import casesEn from './locales/cases.en.json'
import { setLanguage } from './api/client.js'

const LANG_KEY = 'lz_lang'
export const LANGUAGES = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
]

function initialLanguage() {
  const saved = localStorage.getItem(LANG_KEY)
  return LANGUAGES.some((l) => l.code === saved) ? saved : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLanguage(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': { ...zhCN, ...casesZhCN }, en: { ...en, ...casesEn } },
})

export const elementLocale = computed(() =>
  i18n.global.locale.value === 'en' ? enElement : zhCnElement,
)

export function applyLanguage(code) {
  i18n.global.locale.value = code
  localStorage.setItem(LANG_KEY, code)
  setLanguage(code)
  document.documentElement.lang = code
  document.title = i18n.global.t('app.documentTitle')
}

applyLanguage(i18n.global.locale.value)
