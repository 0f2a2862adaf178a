// The bureaus in the user's scope (their own and those below it), read once per
// session by paging through GET /api/v1/bureaus, and the tree built from that flat list.
// Departments are read per bureau on demand and cached.
import { reactive } from 'vue'
import { api, fetchAll } from '../api/client.js'

const state = reactive({
  list: [],
  byId: {},
  loaded: false,
  departments: {},
})

let pending = null

export const bureaus = state

export function resetBureaus() {
  state.list = []
  state.byId = {}
  state.loaded = false
  state.departments = {}
  pending = null
}

const LEVEL_ORDER = { national: 0, province: 1, city: 2, county: 3 }

export function loadBureaus({ force = false } = {}) {
  if (state.loaded && !force) return Promise.resolve(state.list)
  if (pending && !force) return pending
  pending = fetchAll('/api/v1/bureaus')
    .then(({ items }) => {
      items.sort(
        (a, b) =>
          (LEVEL_ORDER[a.level] ?? 9) - (LEVEL_ORDER[b.level] ?? 9) ||
          String(a.code).localeCompare(String(b.code)),
      )
      state.list = items
      state.byId = Object.fromEntries(items.map((b) => [b.id, b]))
      state.loaded = true
      return items
    })
    .finally(() => {
      pending = null
    })
  return pending
}

// Builds nested nodes { ...bureau, children } from the flat list. A bureau whose
// parent is out of scope (the user's own bureau) becomes a root.
export function bureauTree(list = state.list) {
  const nodes = new Map(list.map((b) => [b.id, { ...b, children: [] }]))
  const roots = []
  for (const node of nodes.values()) {
    const parent = node.parent_id != null ? nodes.get(node.parent_id) : null
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  return roots
}

// All ids of 'id' and the bureaus below it.
export function subtreeIds(id) {
  const ids = new Set([id])
  let grew = true
  while (grew) {
    grew = false
    for (const b of state.list) {
      if (b.parent_id != null && ids.has(b.parent_id) && !ids.has(b.id)) {
        ids.add(b.id)
        grew = true
      }
    }
  }
  return ids
}

export async function loadDepartments(bureauId, { force = false } = {}) {
  if (!force && state.departments[bureauId]) return state.departments[bureauId]
  const { items } = await fetchAll(`/api/v1/bureaus/${bureauId}/departments`)
  state.departments[bureauId] = items
  return items
}

export async function addDepartment(bureauId, name) {
  const dep = await api.post('/api/v1/departments', { bureau_id: bureauId, name })
  await loadDepartments(bureauId, { force: true })
  return dep
}

export async function addBureau(body) {
  const b = await api.post('/api/v1/bureaus', body)
  await loadBureaus({ force: true })
  return b
}
