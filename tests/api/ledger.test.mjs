// The fund ledger over HTTP: a bureau's signed head (a C2SP checkpoint checked here
// with node's own Ed25519), its verifier key, entries and proofs, the errors for
// proofs past the tree, the parent's countersignature, verification, and tenancy:
// another province's ledger reads as missing (404). Appends come from the funds
// module; the unit tests (tests/unit/ledger) cover trees with entries in depth.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'

import { REPO_ROOT, startServer } from '../lib/server.mjs'
import { assertError, client } from './client.mjs'

let srv, c, director, admin, auditor, clerk

before(async () => {
  srv = await startServer()
  c = client(srv.url)
  director = await c.signIn('director') // Hubei, 420000
  admin = await c.signIn('admin') // national, 100000
  auditor = await c.signIn('auditor')
  clerk = await c.signIn('clerk')
})
after(() => srv?.stop())

const sha256 = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest()

// "name+hex id+base64(0x01 || key)" → { name, id, key } after checking the id.
function parseKey(vkey) {
  // The name and the id hold no '+'; the base64 key may.
  const m = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(vkey)
  assert.ok(m, `a verifier key: ${vkey}`)
  const [, name, id, data] = m
  const raw = Buffer.from(data, 'base64')
  assert.equal(raw.length, 33)
  assert.equal(raw[0], 1, 'Ed25519')
  const key = raw.subarray(1)
  const want = sha256(Buffer.from(name + '\n'), Buffer.from([1]), key).subarray(0, 4).toString('hex')
  assert.equal(id, want, 'key id = SHA-256(name || "\\n" || 0x01 || key)[:4]')
  return { name, id, key }
}

// Verifies the signature line of 'k' on a signed note.
function verifyNote(note, k) {
  const cut = note.lastIndexOf('\n\n')
  assert.ok(cut > 0, 'a blank line before the signatures')
  const text = note.slice(0, cut + 1)
  const line = note.slice(cut + 2).split('\n').find((l) => l.startsWith(`— ${k.name} `))
  assert.ok(line, `a signature line by ${k.name}`)
  const sig = Buffer.from(line.slice(`— ${k.name} `.length), 'base64')
  assert.equal(sig.length, 68)
  assert.equal(sig.subarray(0, 4).toString('hex'), k.id)
  const pub = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.key.toString('base64url') }, format: 'jwk' })
  assert.ok(crypto.verify(null, Buffer.from(text), pub, sig.subarray(4)), `the signature of ${k.name} verifies`)
  return text.split('\n')
}

const leafHash = (bytes) => sha256(Buffer.from([0]), bytes)
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r)

// RFC 9162 2.1.3.2
function rootFromInclusion(leaf, index, size, proof) {
  let fn = index, sn = size - 1, r = leaf
  for (const p of proof.map((h) => Buffer.from(h, 'base64'))) {
    assert.ok(sn > 0)
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2) }
    } else r = nodeHash(r, p)
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2)
  }
  assert.equal(sn, 0)
  return r
}

test('the checkpoint is a C2SP signed note by the bureau’s key', async () => {
  const key = await c.get('/api/v1/bureaus/420000/ledger/pubkey', { token: director.token })
  assert.equal(key.status, 200, key.text)
  assert.equal(key.json.name, 'luzhi/ledger/420000')
  assert.match(key.json.key, /^luzhi\/ledger\/420000\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/)
  const k = parseKey(key.json.key)
  const r = await c.get('/api/v1/bureaus/420000/ledger/checkpoint', { token: director.token })
  assert.equal(r.status, 200, r.text)
  const [origin, size, root] = verifyNote(r.json.note, k)
  assert.equal(origin, 'luzhi/ledger/420000')
  assert.equal(Number(size), r.json.size)
  assert.equal(root, r.json.root)
  if (r.json.size === 0) assert.equal(root, sha256(Buffer.alloc(0)).toString('base64'), 'the empty tree')
  // By id as well as by code, and another bureau's key differs.
  const hubei = (await c.get('/api/v1/bureaus/420000', { token: director.token })).json
  const byId = await c.get(`/api/v1/bureaus/${hubei.id}/ledger/pubkey`, { token: director.token })
  assert.deepEqual(byId.json, key.json)
  const other = await c.get('/api/v1/bureaus/100000/ledger/pubkey', { token: admin.token })
  assert.notEqual(other.json.key, key.json.key)
})

test('entries carry the exact leaf bytes; an inclusion proof leads to the root', async () => {
  const cp = (await c.get('/api/v1/bureaus/420000/ledger/checkpoint', { token: auditor.token })).json
  const r = await c.get('/api/v1/bureaus/420000/ledger/entries?start=0&end=5', { token: auditor.token })
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.items.length, Math.min(5, r.json.size))
  for (const [i, e] of r.json.items.entries()) {
    assert.equal(e.index, i)
    const entry = JSON.parse(Buffer.from(e.data, 'base64').toString('utf8'))
    assert.deepEqual(Object.keys(entry), ['at', 'bureau', 'data', 'type'])
    assert.equal(entry.bureau, '420000')
  }
  for (const e of r.json.items.filter((x) => x.index < cp.size)) {
    const p = await c.get(`/api/v1/bureaus/420000/ledger/proof/inclusion?index=${e.index}&size=${cp.size}`, { token: auditor.token })
    assert.equal(p.status, 200, p.text)
    assert.equal(p.json.root, cp.root)
    const root = rootFromInclusion(leafHash(Buffer.from(e.data, 'base64')), e.index, cp.size, p.json.proof)
    assert.equal(root.toString('base64'), cp.root)
  }
  const same = await c.get(`/api/v1/bureaus/420000/ledger/proof/consistency?first=${cp.size}&second=${cp.size}`, { token: auditor.token })
  assert.equal(same.status, 200, same.text)
  assert.deepEqual(same.json.proof, [])
})

test('proofs past the tree are refused, naming the field', async () => {
  const size = (await c.get('/api/v1/bureaus/420000/ledger/checkpoint', { token: director.token })).json.size
  const base = '/api/v1/bureaus/420000/ledger'
  const opts = { token: director.token }
  assertError(await c.get(`${base}/proof/inclusion?index=${size}&size=${size}`, opts), 422, 'invalid_field', 'index')
  assertError(await c.get(`${base}/proof/inclusion?index=0&size=${size + 1}`, opts), 422, 'invalid_field', 'size')
  assertError(await c.get(`${base}/proof/inclusion?size=${size}`, opts), 422, 'invalid_field', 'index')
  assertError(await c.get(`${base}/proof/inclusion?index=-1&size=${size}`, opts), 422, 'invalid_field', 'index')
  assertError(await c.get(`${base}/proof/inclusion?index=x&size=${size}`, opts), 422, 'invalid_field', 'index')
  assertError(await c.get(`${base}/proof/consistency?first=${size + 1}&second=${size}`, opts), 422, 'invalid_field', 'first')
  assertError(await c.get(`${base}/proof/consistency?first=0&second=${size + 1}`, opts), 422, 'invalid_field', 'second')
  assertError(await c.get(`${base}/entries?start=${size + 1}`, opts), 422, 'invalid_field', 'start')
})

test('another province’s ledger is missing; a clerk may not read ledgers', async () => {
  for (const p of ['checkpoint', 'pubkey', 'entries', 'proof/inclusion?index=0&size=1'])
    assertError(await c.get(`/api/v1/bureaus/330000/ledger/${p}`, { token: director.token }), 404, 'not_found')
  assertError(await c.get('/api/v1/bureaus/999999/ledger/checkpoint', { token: admin.token }), 404, 'not_found')
  assertError(await c.get('/api/v1/bureaus/330122/ledger/checkpoint', { token: clerk.token }), 403, 'forbidden')
  assertError(await c.get('/api/v1/ledger/verify', { token: clerk.token }), 403, 'forbidden')
  assertError(await c.get('/api/v1/ledger/verify?bureau=330000', { token: director.token }), 404, 'not_found')
})

test('the parent countersigns; the child may not countersign itself', async () => {
  const path = '/api/v1/bureaus/420000/ledger/countersign'
  assertError(await c.post(path, {}, { token: director.token }), 403, 'forbidden')
  assertError(await c.post(path, { extra: 1 }, { token: admin.token }), 422, 'invalid_field', 'extra')
  assertError(await c.post('/api/v1/bureaus/100000/ledger/countersign', {}, { token: admin.token }), 422, 'invalid_field')
  const r = await c.post(path, {}, { token: admin.token })
  assert.equal(r.status, 200, r.text)
  const child = parseKey((await c.get('/api/v1/bureaus/420000/ledger/pubkey', { token: admin.token })).json.key)
  const parent = parseKey((await c.get('/api/v1/bureaus/100000/ledger/pubkey', { token: admin.token })).json.key)
  verifyNote(r.json.note, child)
  verifyNote(r.json.note, parent)
  const again = await c.post(path, {}, { token: admin.token })
  assert.equal(again.status, 200, again.text)
})

test('verification: every ledger in scope, or one', async () => {
  const all = await c.get('/api/v1/ledger/verify', { token: auditor.token })
  assert.equal(all.status, 200, all.text)
  assert.equal(all.json.ok, true, all.text)
  assert.equal(all.json.first_bad, undefined)
  const one = await c.get('/api/v1/ledger/verify?bureau=420000', { token: director.token })
  assert.equal(one.status, 200, one.text)
  assert.equal(one.json.ok, true)
  assert.ok(one.json.checkpoints >= 1)
})

test('an export built from the API verifies with only the file and the key; a forged head exits 3', async () => {
  const opts = { token: auditor.token }
  const key = (await c.get('/api/v1/bureaus/420000/ledger/pubkey', opts)).json.key
  const cp = (await c.get('/api/v1/bureaus/420000/ledger/checkpoint', opts)).json
  const entries = []
  while (entries.length < cp.size) {
    const r = await c.get(`/api/v1/bureaus/420000/ledger/entries?start=${entries.length}&end=${cp.size}`, opts)
    assert.equal(r.status, 200, r.text)
    entries.push(...r.json.items)
  }
  const header = { format: 'luzhi-ledger-export/1', origin: 'luzhi/ledger/420000', bureau: '420000', size: cp.size, verifier_key: key }
  const lines = (note) => [header, { checkpoint: note }, ...entries.map((e) => ({ index: e.index, data: e.data }))]
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'luzhi-ledger-'))
  const bin = process.env.LUZHI_BIN || path.join(REPO_ROOT, 'build', 'luzhi')
  const check = async (name, note) => {
    const file = path.join(dir, name)
    await fs.writeFile(file, lines(note).map((l) => JSON.stringify(l)).join('\n') + '\n')
    return spawnSync(bin, ['ledger', 'verify', '--export', file, '--pubkey', key], { encoding: 'utf8' })
  }
  try {
    const good = await check('good.jsonl', cp.note)
    assert.equal(good.status, 0, good.stdout + good.stderr)
    assert.match(good.stdout, /ledger verified/)
    const [origin, size, ...rest] = cp.note.split('\n')
    const forged = await check('forged.jsonl', [origin, String(Number(size) + 1), ...rest].join('\n'))
    assert.equal(forged.status, 3, forged.stdout + forged.stderr)
    assert.match(forged.stdout, /DOES NOT VERIFY/)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
})
