// Routes and menu entries of the cases module (办件), kept here so that the shared
// router and layout only spread them in.
import { markRaw } from 'vue'
import { Message, List, EditPen, Setting, Calendar, DataAnalysis, ChatDotRound, Help } from '@element-plus/icons-vue'
import { canCases, CASE_READERS, COMPLAINT_HANDLERS, ASSISTANCE_HANDLERS } from '../../utils/cases.js'

const group = 'cases.group'
const page = (path, name, loader, title, roles, extra = {}) => ({
  path,
  name,
  component: loader,
  meta: { title, group, roles, ...extra },
})

export const casesRoutes = [
  page('cases/inbox', 'case-inbox', () => import('./InboxView.vue'), 'cases.nav.inbox', ['clerk', 'reviewer', 'director']),
  page('cases', 'case-list', () => import('./CaseListView.vue'), 'cases.nav.list', CASE_READERS),
  page('cases/:id(\\d+)', 'case', () => import('./CaseDetailView.vue'), 'cases.detail.title', CASE_READERS, {
    parent: { title: 'cases.nav.list', path: '/cases' },
  }),
  page('cases/receive', 'case-receive', () => import('./CaseReceiveView.vue'), 'cases.nav.receive', ['clerk', 'reviewer', 'director']),
  page('cases/types', 'case-types', () => import('./CaseTypesView.vue'), 'cases.nav.types', CASE_READERS),
  page('cases/calendar', 'case-calendar', () => import('./CalendarView.vue'), 'cases.nav.calendar', CASE_READERS),
  page('cases/times', 'case-times', () => import('./ProcessingTimesView.vue'), 'cases.nav.times', CASE_READERS),
  page('cases/complaints', 'complaints', () => import('./ComplaintsView.vue'), 'cases.nav.complaints', COMPLAINT_HANDLERS),
  page('cases/assistance', 'assistance', () => import('./AssistanceView.vue'), 'cases.nav.assistance', ASSISTANCE_HANDLERS),
]

// The menu entries the signed-in person may open.
export function casesMenu() {
  const m = []
  if (canCases.handle()) m.push({ key: 'inbox', path: '/cases/inbox', icon: markRaw(Message) })
  if (canCases.read()) m.push({ key: 'list', path: '/cases', icon: markRaw(List) })
  if (canCases.handle()) m.push({ key: 'receive', path: '/cases/receive', icon: markRaw(EditPen) })
  if (canCases.read()) {
    m.push({ key: 'times', path: '/cases/times', icon: markRaw(DataAnalysis) })
    m.push({ key: 'types', path: '/cases/types', icon: markRaw(Setting) })
    m.push({ key: 'calendar', path: '/cases/calendar', icon: markRaw(Calendar) })
  }
  if (canCases.complaints()) m.push({ key: 'complaints', path: '/cases/complaints', icon: markRaw(ChatDotRound) })
  if (canCases.assistance()) m.push({ key: 'assistance', path: '/cases/assistance', icon: markRaw(Help) })
  return m
}
