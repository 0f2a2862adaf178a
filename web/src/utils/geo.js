// Coordinates: the API speaks micro-degrees (integers); people type degrees.

// '29.797123' → 29797123, or null when it is not a number in range.
export function degToMicro(text, limit) {
  const s = String(text ?? '').trim()
  if (!/^-?\d{1,3}(\.\d{1,8})?$/.test(s)) return null
  const v = Math.round(Number(s) * 1e6)
  return Math.abs(v) <= limit * 1e6 ? v : null
}

export function microToDeg(v) {
  if (v === null || v === undefined) return ''
  return (v / 1e6).toFixed(6)
}

// Great-circle distance in metres between two points in micro-degrees (display only).
export function distanceM(lat1, lon1, lat2, lon2) {
  const r = 6371008.8
  const rad = (x) => (x / 1e6) * (Math.PI / 180)
  const dlat = rad(lat2 - lat1)
  const dlon = rad(lon2 - lon1)
  const a = Math.sin(dlat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dlon / 2) ** 2
  return Math.ceil(2 * r * Math.asin(Math.sqrt(a)))
}
