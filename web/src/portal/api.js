// The portal talks only to /public/v1 (no account, no cookies). A non-2xx answer
// becomes a PublicError with the status, the server's code and field, and for 429
// the seconds to wait.
let language = 'en'

export function setLanguage(code) {
  language = code
}

export class PublicError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message || code || `HTTP ${status}`)
    this.status = status
    this.code = code || null
    this.field = field || null
    this.retryAfter = retryAfter
  }
}

export async function call(method, path, body) {
  const headers = { Accept: 'application/json', 'Accept-Language': language }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let res
  try {
    res = await fetch(`/public/v1${path}`, {
      method,
      headers,
      credentials: 'omit',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new PublicError(0, 'network', '')
  }
  const text = await res.text()
  let data = null
  try {
    data = text ? JSON.parse(text) : null
  } catch {
    data = null
  }
  if (!res.ok) {
    const e = data?.error || {}
    const retry = Number(res.headers.get('Retry-After')) || null
    throw new PublicError(res.status, e.code, e.message, e.field, retry)
  }
  return data
}

export const get = (path) => call('GET', path)
export const post = (path, body) => call('POST', path, body)

// A list answer may be a bare array or {items}.
export const items = (data) => (Array.isArray(data) ? data : data?.items || [])
