// Shared by the cases pages: who may do what (src/auth/roles.c, to hide what the
// server would refuse anyway), state and action tables, clock formatting, and a
// cache of case types by id (inbox rows and lists carry only type_id and code).
import { reactive } from 'vue'
import { hasRole } from '../stores/session.js'
import { api } from '../api/client.js'

export const CASE_READERS = ['admin', 'clerk', 'reviewer', 'director', 'inspector', 'discipline', 'ombudsman', 'auditor']
export const COMPLAINT_HANDLERS = ['director', 'discipline', 'ombudsman']
export const ASSISTANCE_HANDLERS = ['ombudsman']
export const TYPE_WRITERS = ['admin', 'director']

export const canCases = {
  read: () => hasRole(...CASE_READERS),
  handle: () => hasRole('clerk', 'reviewer', 'director'),
  decide: () => hasRole('reviewer', 'director'),
  approve: () => hasRole('director'),
  writeTypes: () => hasRole(...TYPE_WRITERS),
  complaints: () => hasRole(...COMPLAINT_HANDLERS),
  fileComplaint: () => hasRole('clerk', 'director'),
  assistance: () => hasRole(...ASSISTANCE_HANDLERS),
}

export const STATES = ['received', 'accepted', 'assigned', 'in_review', 'evidence_requested', 'decided', 'closed']
export const STATE_TAG = {
  received: 'warning',
  accepted: 'primary',
  assigned: 'primary',
  in_review: 'primary',
  evidence_requested: 'info',
  decided: 'success',
  closed: 'info',
}
// The portal's languages, as the server lists them (GET /public/v1/languages, the
// one list): a type's name and materials have a field for each. Chinese and English
// until the list has come.
export const LANGS = reactive(['zh-CN', 'en'])
let langsLoading = null
export function loadLangs() {
  langsLoading ||= api
    .get('/public/v1/languages')
    .then((r) => {
      const tags = (r?.items || []).map((x) => x.tag).filter(Boolean)
      if (tags.includes('zh-CN')) LANGS.splice(0, LANGS.length, ...tags)
    })
    .catch(() => {
      langsLoading = null
    })
  return langsLoading
}
export const CATEGORIES = ['cumbersome_procedure', 'delay', 'attitude', 'corruption', 'policy', 'other']

// The acts of a case in each state (cases.h's diagram), with the body each needs.
export const ACTIONS = [
  { act: 'accept', from: ['received'], can: () => canCases.handle() },
  { act: 'assign', from: ['accepted'], can: () => canCases.handle(), staff: true },
  { act: 'reassign', path: 'assign', from: ['assigned', 'in_review', 'evidence_requested'], can: () => canCases.handle(), staff: true },
  { act: 'start-review', from: ['assigned'], can: () => canCases.handle() },
  { act: 'request-evidence', from: ['in_review'], can: () => canCases.handle(), noteRequired: true, noProposal: true },
  { act: 'evidence-received', from: ['evidence_requested'], can: () => canCases.handle() },
  { act: 'decide', from: ['in_review'], can: () => canCases.decide(), decide: true, noProposal: true },
  { act: 'approve', from: ['in_review'], can: () => canCases.approve(), approve: true, needsProposal: true },
  { act: 'close', from: ['decided'], can: () => canCases.handle() },
]

// A span of seconds as "2 d 3 h" / "2天3小时" (days of 24 h; the type's clock may be working time).
export function formatSpan(seconds, t) {
  if (seconds === null || seconds === undefined) return '—'
  const neg = seconds < 0
  let s = Math.abs(Math.round(seconds))
  const d = Math.floor(s / 86400)
  s -= d * 86400
  const h = Math.floor(s / 3600)
  const m = Math.floor((s - h * 3600) / 60)
  let out
  if (d) out = t('cases.span.dh', { d, h })
  else if (h) out = t('cases.span.hm', { h, m })
  else out = t('cases.span.m', { m })
  return neg ? `-${out}` : out
}

// Hours of a type's clock, one decimal.
export const hours = (seconds) => (seconds === null || seconds === undefined ? null : Math.round((seconds / 3600) * 10) / 10)

const typeCache = reactive({})
const inflight = {}

// The name of a type in the console's language (en, else zh-CN, else code).
export function typeLabel(type, locale) {
  if (!type) return ''
  const n = type.names || {}
  return (locale === 'en' ? n.en : n['zh-CN']) || n['zh-CN'] || n.en || type.code
}

export function rememberTypes(list) {
  for (const ty of list || []) typeCache[ty.id ?? ty.type_id] = ty
}

// The type of 'id' from the cache, fetching it once when missing.
export function caseType(id) {
  if (!id) return null
  if (typeCache[id]) return typeCache[id]
  if (!inflight[id]) {
    inflight[id] = api
      .get(`/api/v1/case-types/${id}`)
      .then((ty) => {
        typeCache[id] = ty
      })
      .catch(() => {
        typeCache[id] = { id, code: `#${id}`, names: {} }
      })
  }
  return null
}

export function typeName(id, code, locale) {
  const ty = caseType(id)
  return ty ? typeLabel(ty, locale) : code || `#${id}`
}

// Staff of a bureau for an assignment picker (active ones, first 200).
export async function staffOf(bureauId) {
  const page = await api.get('/api/v1/staff', { bureau_id: bureauId, status: 'active', limit: 200 })
  return page?.items || []
}

// A material of a type: one text for every language, or texts by language tag — the
// language, then en, then zh-CN (lz_case_type_text's rule).
export function materialText(m, locale) {
  if (typeof m === 'string') return m
  if (!m) return ''
  return m[locale] || m.en || m['zh-CN'] || Object.values(m)[0] || ''
}
