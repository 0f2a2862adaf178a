// RFC 6962 / RFC 9162 Merkle tree proofs checked in the browser, with WebCrypto's
// SHA-256: a leaf hash is SHA-256(0x00 || data), a node SHA-256(0x01 || left || right).
// Hashes are Uint8Arrays; the API sends them in base64. Sizes stay below 2^53, so
// the index arithmetic uses ordinary numbers with division instead of bit shifts.

export function hasWebCrypto() {
  return Boolean(globalThis.crypto && globalThis.crypto.subtle)
}

export function b64ToBytes(b64) {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

export function bytesToHex(bytes) {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export function b64ToHex(b64) {
  return b64 ? bytesToHex(b64ToBytes(b64)) : ''
}

function equal(a, b) {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

async function sha256(...parts) {
  const len = parts.reduce((n, p) => n + p.length, 0)
  const buf = new Uint8Array(len)
  let off = 0
  for (const p of parts) {
    buf.set(p, off)
    off += p.length
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf))
}

const LEAF = new Uint8Array([0])
const NODE = new Uint8Array([1])

export function leafHash(data) {
  return sha256(LEAF, data)
}

function nodeHash(left, right) {
  return sha256(NODE, left, right)
}

const odd = (n) => n % 2 === 1
const half = (n) => Math.floor(n / 2)

// RFC 9162 §2.1.3.2: is the leaf with hash 'leaf' entry 'index' of the tree of
// 'size' whose root is 'root', by the audit path 'proof'? Answers the computed root too.
export async function verifyInclusion(index, size, leaf, proof, root) {
  if (index >= size) return { ok: false, computed: null }
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of proof) {
    if (sn === 0) return { ok: false, computed: r }
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r)
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      r = await nodeHash(r, p)
    }
    fn = half(fn)
    sn = half(sn)
  }
  return { ok: sn === 0 && equal(r, root), computed: r }
}

// RFC 9162 §2.1.4.2: is the tree of size 'second' (root 'secondRoot') an extension
// of the tree of size 'first' (root 'firstRoot'), by the proof 'proof'?
export async function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  if (first < 1 || first > second) return false
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot)
  let path = proof
  if (Number.isInteger(Math.log2(first)) && 2 ** Math.log2(first) === first) path = [firstRoot, ...proof]
  if (!path.length) return false
  let fn = first - 1
  let sn = second - 1
  while (odd(fn)) {
    fn = half(fn)
    sn = half(sn)
  }
  let fr = path[0]
  let sr = path[0]
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(c, fr)
      sr = await nodeHash(c, sr)
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      sr = await nodeHash(sr, c)
    }
    fn = half(fn)
    sn = half(sn)
  }
  return equal(fr, firstRoot) && equal(sr, secondRoot) && sn === 0
}
