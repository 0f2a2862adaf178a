// Form state shared by the portal's forms: field errors, the summary above the
// form, and the reading of a server refusal (422 names the field).
import { reactive, ref } from 'vue'
import { i18n } from './i18n.js'
import { failureText } from './util.js'

const { t, locale } = i18n.global

export function useForm(labels) {
  const errors = reactive({})
  const summary = ref([])
  const message = ref('')
  const busy = ref(false)

  function reset() {
    for (const k of Object.keys(errors)) delete errors[k]
    summary.value = []
    message.value = ''
  }

  // 'checks' is [[field, ok, 'missing'|'invalid'], …]: the first failure of a field wins.
  function check(checks) {
    reset()
    for (const [field, ok, kind] of checks) {
      if (ok || errors[field]) continue
      errors[field] = t(`form.${kind}`, { field: labels[field]() })
    }
    summary.value = Object.entries(errors).map(([f, text]) => ({ id: `f-${f}`, text }))
    return summary.value.length === 0
  }

  // A refusal from the server: on a named field of the form, shown there.
  function refuse(e, fieldMap = {}) {
    reset()
    const field = e.field && (fieldMap[e.field] || (labels[e.field] ? e.field : null))
    if ((e.status === 422 || e.status === 400) && field) {
      const server = ['en', 'zh-CN'].includes(locale.value) && e.message ? ` ${e.message}` : ''
      errors[field] = t('form.invalid', { field: labels[field]() }) + server
      summary.value = [{ id: `f-${field}`, text: errors[field] }]
    } else {
      message.value = failureText(e)
    }
  }

  return { errors, summary, message, busy, reset, check, refuse }
}

export const ID_RE = /^([0-9]{17}[0-9Xx]|[A-Za-z0-9]{5,20})$/
export const PHONE_RE = /^\+?[0-9][0-9 -]{5,22}$/
export const EMAIL_RE = /^[^@\s]+@[^@\s]+$/
