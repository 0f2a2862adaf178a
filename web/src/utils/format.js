// Display functions shared by the pages. Times arrive as RFC 3339 UTC and are shown in
// Asia/Shanghai as 'YYYY-MM-DD HH:mm:ss', the same in both languages.
const TZ = 'Asia/Shanghai'

const dateTimeFmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

export function formatDateTime(value) {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  const p = Object.fromEntries(dateTimeFmt.formatToParts(d).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}

// Start of the given Shanghai calendar day ('YYYY-MM-DD') as RFC 3339 UTC.
export function shanghaiDayStart(day) {
  return toRfc3339(new Date(`${day}T00:00:00+08:00`))
}

// Last second of the given Shanghai calendar day as RFC 3339 UTC.
export function shanghaiDayEnd(day) {
  return toRfc3339(new Date(`${day}T23:59:59+08:00`))
}

function toRfc3339(d) {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

// The bureau's name in the console's language (name_en when English and present).
export function bureauName(bureau, locale) {
  if (!bureau) return '—'
  if (locale === 'en' && bureau.name_en) return bureau.name_en
  return bureau.name
}

export function shortHash(hex, n = 12) {
  if (!hex) return '—'
  return hex.length > n ? `${hex.slice(0, n)}…` : hex
}

// Only paths inside the console are followed after signing in.
export function safeRedirect(value) {
  const v = typeof value === 'string' ? value : ''
  return v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/login') ? v : '/'
}
