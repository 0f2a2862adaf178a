// The bureau whose portal this is. A bureau links to its portal with ?bureau=<id>
// (for example from its website or a QR code at the window); the portal remembers it
// for the visit and the next ones. The public API lists case types per bureau only.
import { ref } from 'vue'

const KEY = 'lz_portal_bureau'

function read() {
  const q = new URLSearchParams(window.location.search).get('bureau')
  if (q && /^[1-9][0-9]{0,17}$/.test(q)) {
    try {
      localStorage.setItem(KEY, q)
    } catch {
      /* private mode */
    }
    return q
  }
  try {
    const saved = localStorage.getItem(KEY)
    return saved && /^[1-9][0-9]{0,17}$/.test(saved) ? saved : ''
  } catch {
    return ''
  }
}

export const bureauId = ref(read())

export function setBureau(id) {
  const v = String(id || '').trim()
  if (!/^[1-9][0-9]{0,17}$/.test(v)) return false
  bureauId.value = v
  try {
    localStorage.setItem(KEY, v)
  } catch {
    /* private mode */
  }
  return true
}
