// The signed-in user. Restored at start-up from GET /api/v1/session (the cookie is
// HttpOnly, so the console cannot tell otherwise), set by signing in, cleared by
// signing out or by any 401 answer.
import { reactive, readonly } from 'vue'
import { api, setCsrfToken } from '../api/client.js'
import { resetBureaus } from './bureaus.js'

const state = reactive({
  user: null,
  restored: false,
})

export const session = readonly(state)

// Roles whose requests may change staff records; the server decides, this only hides
// buttons that would be refused anyway.
const STAFF_WRITERS = ['admin', 'director']
const AUDIT_READERS = ['admin', 'auditor', 'director', 'inspector', 'discipline']

export function hasRole(...roles) {
  return Boolean(state.user && roles.includes(state.user.role))
}

// The funds roles of src/auth/roles.c, to hide what would be refused.
const FUNDS_READERS = ['admin', 'clerk', 'reviewer', 'finance', 'director', 'inspector', 'discipline', 'auditor']
const BENEFICIARY_READERS = FUNDS_READERS
const LEDGER_READERS = ['admin', 'finance', 'director', 'inspector', 'discipline', 'auditor']

export const can = {
  writeStaff: () => hasRole(...STAFF_WRITERS),
  readAudit: () => hasRole(...AUDIT_READERS),
  addDepartment: () => hasRole('admin'),
  addBureau: () => hasRole('admin'),
  readFunds: () => hasRole(...FUNDS_READERS),
  readBeneficiaries: () => hasRole(...BENEFICIARY_READERS),
  readLedger: () => hasRole(...LEDGER_READERS),
  writeAllocation: () => hasRole('admin', 'finance', 'director'),
  writeProject: () => hasRole('admin', 'clerk', 'director'),
  inspect: () => hasRole('reviewer', 'inspector', 'director'),
  signAcceptance: () => hasRole('reviewer', 'inspector', 'director'),
  preparePayment: () => hasRole('finance'),
  approvePayment: () => hasRole('finance', 'director'),
  settlePayment: () => hasRole('finance', 'director'),
  writeBeneficiary: () => hasRole('admin', 'clerk', 'finance', 'director'),
  writeProgramme: () => hasRole('admin', 'finance', 'director'),
  eraseBeneficiary: () => hasRole('admin', 'director'),
  countersign: () => hasRole('admin', 'director'),
  uploadFiles: () => hasRole('admin', 'clerk', 'reviewer', 'finance', 'director', 'inspector', 'discipline'),
}

export function fundsReaders() {
  return FUNDS_READERS
}

export function ledgerReaders() {
  return LEDGER_READERS
}

export function auditReaders() {
  return AUDIT_READERS
}

// Asks the server once whether the cookie still holds a session.
export async function restoreSession() {
  if (state.restored) return state.user
  try {
    const data = await api.get('/api/v1/session', undefined, { quiet401: true })
    setCsrfToken(data.csrf_token)
    state.user = data.user
  } catch (e) {
    if (e.status !== 401) console.warn('session restore failed', e)
    setCsrfToken(null)
    state.user = null
  }
  state.restored = true
  return state.user
}

export async function signIn(login, password) {
  const data = await api.post('/api/v1/session', { login, password }, { quiet401: true })
  setCsrfToken(data.csrf_token)
  resetBureaus()
  state.user = data.user
  state.restored = true
  return data.user
}

export async function signOut() {
  try {
    await api.del('/api/v1/session', { quiet401: true })
  } finally {
    forgetSession()
  }
}

// Drops what the console knows about the session without asking the server
// (after a 401 the server has already forgotten it).
export function forgetSession() {
  setCsrfToken(null)
  resetBureaus()
  state.user = null
  state.restored = true
}
