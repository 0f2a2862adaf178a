// One paged list: the server answers {items, next_cursor}; the page keeps a stack of
// the cursors that opened each page it has shown ("next" pushes next_cursor,
// "previous" pops), and any change of filter starts again from the first page.
//
//   const list = useCursorList((page) => api.get('/api/v1/payments', { ...filters, ...page }))
//   list.reload()              // first page with the current filters
//   list.next(); list.prev()
//   // the answer is reactive: list.rows, list.loading, list.error, list.pageNo
//
// 'cursorParam' names the query parameter that carries the cursor ('after' for the
// funds lists, 'cursor' for the older ones).
import { computed, reactive, ref } from 'vue'

export function useCursorList(fetchPage, { pageSize = 50, cursorParam = 'after' } = {}) {
  const rows = ref([])
  const loading = ref(false)
  const error = ref('')
  const cursors = ref([null])
  const nextCursor = ref(null)
  let serial = 0

  const pageNo = computed(() => cursors.value.length)
  const firstRow = computed(() => (pageNo.value - 1) * pageSize + 1)
  const lastRow = computed(() => (rows.value.length ? firstRow.value + rows.value.length - 1 : 0))

  async function load() {
    const mine = ++serial
    loading.value = true
    error.value = ''
    try {
      const cur = cursors.value[cursors.value.length - 1]
      const page = await fetchPage({ limit: pageSize, [cursorParam]: cur ?? undefined })
      if (mine !== serial) return
      rows.value = page?.items || []
      nextCursor.value = page?.next_cursor ?? null
    } catch (e) {
      if (mine !== serial) return
      rows.value = []
      nextCursor.value = null
      error.value = e.message || String(e)
    } finally {
      if (mine === serial) loading.value = false
    }
  }

  function reload() {
    cursors.value = [null]
    return load()
  }

  function next() {
    if (nextCursor.value === null || nextCursor.value === undefined) return
    cursors.value = [...cursors.value, nextCursor.value]
    return load()
  }

  function prev() {
    if (cursors.value.length <= 1) return
    cursors.value = cursors.value.slice(0, -1)
    return load()
  }

  return reactive({ rows, loading, error, pageNo, firstRow, lastRow, nextCursor, load, reload, next, prev })
}
