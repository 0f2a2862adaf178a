// The portal's languages, in one place. To add one: write locales/<code>.json with the
// keys of en.json (any key left out is shown in English), then add a line here. The
// order is the order of the language picker. 'dir' is 'rtl' for right-to-left scripts.
export const LOCALES = [
  { code: 'zh-CN', name: '简体中文', dir: 'ltr' },
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'ru', name: 'Русский', dir: 'ltr' },
  { code: 'ja', name: '日本語', dir: 'ltr' },
  { code: 'ko', name: '한국어', dir: 'ltr' },
  { code: 'vi', name: 'Tiếng Việt', dir: 'ltr' },
  { code: 'fr', name: 'Français', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
]

export const FALLBACK = 'en'

// The catalogues, loaded when a language is first chosen (English is always loaded,
// as the fallback).
export const loaders = import.meta.glob(['./*.json', '!./en.json'], { import: 'default' })
