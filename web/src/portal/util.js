// Shared helpers of the portal pages.
import { i18n } from './i18n.js'

const { t, locale } = i18n.global

// The name of a case type in the current language (then English, then Chinese).
export function typeName(type) {
  const names = type?.names || {}
  return names[locale.value] || names.en || names['zh-CN'] || type?.code || ''
}

// A date in the reader's language, in Beijing time (where the bureau works).
export function formatDate(value, withTime = false) {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  const opts = { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' }
  if (withTime) Object.assign(opts, { hour: '2-digit', minute: '2-digit' })
  return new Intl.DateTimeFormat(locale.value, opts).format(d)
}

// A span of a type's clock in plain words: elapsed clocks in days (hours under two
// days), working clocks in working days of 8 hours (hours under one day).
export function formatDuration(seconds, clockKind) {
  if (seconds === null || seconds === undefined) return '—'
  const hours = seconds / 3600
  const nf = new Intl.NumberFormat(locale.value, { maximumFractionDigits: 1 })
  if (clockKind === 'working') {
    if (hours < 8) {
      const n = Math.max(1, Math.ceil(hours))
      return t('duration.workingHours', { n: nf.format(n) }, n)
    }
    const days = hours / 8
    const n = days < 3 ? Math.round(days * 10) / 10 : Math.round(days)
    return t('duration.workingDays', { n: nf.format(n) }, n === 1 ? 1 : 2)
  }
  if (hours < 48) {
    const n = Math.max(1, Math.ceil(hours))
    return t('duration.hours', { n: nf.format(n) }, n)
  }
  const days = hours / 24
  const n = days < 3 ? Math.round(days * 10) / 10 : Math.round(days)
  return t('duration.days', { n: nf.format(n) }, n === 1 ? 1 : 2)
}

// The message to show for a failed public request.
export function failureText(e) {
  if (e.status === 429) return t('form.tooMany')
  if (e.status === 0) return t('form.network')
  if (e.status >= 500) return t('form.failed')
  return e.message || t('form.failed')
}

// Receipt numbers are typed in many ways: trim, upper-case, no inner spaces.
export const cleanReceipt = (s) => String(s || '').replace(/\s+/g, '').toUpperCase()
export const cleanCode = (s) => String(s || '').replace(/[\s-]+/g, '').toUpperCase()
