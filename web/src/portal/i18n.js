// Languages of the public portal. The first visit follows the browser's languages
// (navigator.languages, exact tag first, then the primary subtag: zh-TW → zh-CN);
// a choice in the picker is remembered in localStorage. Choosing a language sets
// lang and dir on <html>, so right-to-left scripts mirror the whole page (the CSS
// uses logical properties only). Missing keys fall back to English.
import { createI18n } from 'vue-i18n'
import en from './locales/en.json'
import { LOCALES, FALLBACK, loaders } from './locales/index.js'
import { setLanguage } from './api.js'

const KEY = 'lz_portal_lang'

export const i18n = createI18n({
  legacy: false,
  locale: FALLBACK,
  fallbackLocale: FALLBACK,
  messages: { en },
  missingWarn: false,
  fallbackWarn: false,
})

export function localeInfo(code) {
  return LOCALES.find((l) => l.code === code) || LOCALES.find((l) => l.code === FALLBACK)
}

// The best of our locales for a list of BCP 47 tags, or null.
export function matchLocale(tags) {
  for (const tag of tags || []) {
    if (!tag) continue
    const exact = LOCALES.find((l) => l.code.toLowerCase() === tag.toLowerCase())
    if (exact) return exact.code
    const primary = tag.split('-')[0].toLowerCase()
    const near = LOCALES.find((l) => l.code.split('-')[0].toLowerCase() === primary)
    if (near) return near.code
  }
  return null
}

export function initialLocale() {
  let saved = null
  try {
    saved = localStorage.getItem(KEY)
  } catch {
    saved = null
  }
  if (saved && LOCALES.some((l) => l.code === saved)) return saved
  return matchLocale(navigator.languages?.length ? navigator.languages : [navigator.language]) || FALLBACK
}

export async function setLocale(code, { remember = true } = {}) {
  const info = localeInfo(code)
  if (!i18n.global.availableLocales.includes(info.code)) {
    const load = loaders[`./${info.code}.json`]
    if (load) i18n.global.setLocaleMessage(info.code, await load())
  }
  i18n.global.locale.value = info.code
  setLanguage(info.code)
  document.documentElement.lang = info.code
  document.documentElement.dir = info.dir
  if (remember) {
    try {
      localStorage.setItem(KEY, info.code)
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }
}
