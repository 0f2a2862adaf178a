// Server validation errors on forms. The server names the offending field in
// error.field; a form keeps a reactive map field → message bound to each
// el-form-item's `error` prop, so the message appears under that field.

// Empties every message of 'errors' (before a new submit).
export function clearServerErrors(errors) {
  for (const k of Object.keys(errors)) errors[k] = ''
}

// Puts the message of ApiError 'e' under its field when the form has that field,
// and answers whether it did; otherwise the caller shows the message elsewhere.
export function applyServerError(errors, e) {
  if (e && e.field && Object.prototype.hasOwnProperty.call(errors, e.field)) {
    errors[e.field] = e.message || e.code || ''
    return true
  }
  return false
}
