// Money in the console. The server speaks integer fen (*_fen); the console shows yuan
// with two decimals and thousands separators, and reads what a user types as yuan
// into integer fen by its digits — no floating point ever touches an amount.

// '123456789' fen → '1,234,567.89'. null/undefined → '—'.
export function formatYuan(fen) {
  if (fen === null || fen === undefined || fen === '') return '—'
  const n = typeof fen === 'bigint' ? fen : BigInt(Math.trunc(Number(fen)))
  const neg = n < 0n
  const abs = neg ? -n : n
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const cents = (abs % 100n).toString().padStart(2, '0')
  return `${neg ? '-' : ''}${yuan}.${cents}`
}

// The amount with its unit: '1,234.56 元' in Chinese, '¥1,234.56' in English.
export function formatMoney(fen, locale) {
  if (fen === null || fen === undefined || fen === '') return '—'
  const s = formatYuan(fen)
  return locale === 'en' ? (s.startsWith('-') ? `-¥${s.slice(1)}` : `¥${s}`) : `${s} 元`
}

// Reads a yuan amount typed by a user ('1,234.5', '1234.56', '12') into integer fen.
// Answers null when it is not a positive amount with at most two decimals.
export function parseYuan(text) {
  const s = String(text ?? '').replace(/[,，\s]/g, '').replace(/^¥/, '')
  const m = /^(\d{1,11})(?:\.(\d{0,2}))?$/.exec(s)
  if (!m) return null
  const fen = BigInt(m[1]) * 100n + BigInt((m[2] || '').padEnd(2, '0') || '0')
  if (fen <= 0n || fen > 10000000000000n) return null
  return Number(fen)
}

// Fen → the plain yuan text a form field starts with ('1234.50').
export function fenToInput(fen) {
  if (fen === null || fen === undefined) return ''
  return formatYuan(fen).replace(/,/g, '')
}

// Basis points → '40%' / '33.33%'.
export function formatShare(bp) {
  if (bp === null || bp === undefined) return '—'
  const whole = Math.trunc(bp / 100)
  const rest = bp % 100
  return rest ? `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}%` : `${whole}%`
}
