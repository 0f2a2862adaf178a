// The one place the console talks HTTP to the luzhi server.
//
// - The session travels in the HttpOnly cookie `lz_session` (credentials: 'same-origin');
//   the bearer token the server also returns is for API clients and is never kept here.
// - Every state-changing request (POST, PUT, PATCH, DELETE) carries `X-CSRF-Token`
//   with the csrf_token from the session answer, kept in sessionStorage so that a
//   reload of the page keeps working until the next GET /api/v1/session.
// - `Accept-Language` follows the console's language, so error messages come back in it.
// - A non-2xx answer becomes an ApiError carrying the server's {code, message, field};
//   a 401 outside the session endpoints calls the handler set by setUnauthorizedHandler
//   (the router sends the user to /login).

const CSRF_KEY = 'lz_csrf'
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

let csrfToken = sessionStorage.getItem(CSRF_KEY)
let language = 'zh-CN'
let onUnauthorized = null

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter = null) {
    super(message || code || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.code = code || null
    this.field = field || null
    // Seconds to wait, from Retry-After on 429 and 503 answers.
    this.retryAfter = retryAfter
  }
}

export function setCsrfToken(token) {
  csrfToken = token || null
  if (csrfToken) sessionStorage.setItem(CSRF_KEY, csrfToken)
  else sessionStorage.removeItem(CSRF_KEY)
}

export function setLanguage(lang) {
  language = lang
}

// The headers every write carries (for requests not sent through request(), such as
// file uploads with progress).
export function writeHeaders() {
  const h = { Accept: 'application/json', 'Accept-Language': language }
  if (csrfToken) h['X-CSRF-Token'] = csrfToken
  return h
}

export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn
}

// Builds '/api/v1/x?a=1' from a path and a params object, leaving out empty values.
export function withQuery(path, params = {}) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    q.append(k, String(v))
  }
  const s = q.toString()
  return s ? `${path}?${s}` : path
}

// Sends one request and answers the decoded JSON body (null for 204).
// 'opts.body' is serialised as JSON; 'opts.headers' adds headers (Idempotency-Key);
// 'opts.quiet401' stops the 401 handler (used for
// the session endpoints, where 401 is an ordinary answer).
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': language }
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  if (WRITE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken
  if (opts.headers) Object.assign(headers, opts.headers)

  let res
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    })
  } catch (e) {
    throw new ApiError(0, 'network_error', null, null)
  }

  let data = null
  const text = res.status === 204 ? '' : await res.text()
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }

  if (!res.ok) {
    const err = (data && data.error) || {}
    const retry = Number.parseInt(res.headers.get('Retry-After') || '', 10)
    const apiErr = new ApiError(res.status, err.code, err.message, err.field, Number.isFinite(retry) ? retry : null)
    if (res.status === 401 && !opts.quiet401 && onUnauthorized) onUnauthorized(apiErr)
    throw apiErr
  }
  return data
}

export const api = {
  get: (path, params, opts) => request('GET', withQuery(path, params), opts),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
}

// Reads every page of a list endpoint, following next_cursor until it is null.
// 'maxItems' bounds the walk; the answer says whether it stopped early.
// 'cursorParam' names the cursor's query parameter ('after' on the funds lists).
export async function fetchAll(path, params = {}, { maxItems = 20000, cursorParam = 'cursor' } = {}) {
  const items = []
  let cursor = null
  do {
    const page = await api.get(path, { ...params, limit: 200, [cursorParam]: cursor })
    items.push(...(page.items || []))
    cursor = page.next_cursor || null
  } while (cursor && items.length < maxItems)
  return { items, truncated: Boolean(cursor) }
}
