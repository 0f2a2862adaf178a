// Routes of the console. Every page except /login needs a session; the guard restores
// it once from the server, sends strangers to /login (remembering where they were
// going) and keeps pages a role may not read out of reach.
import { createRouter, createWebHistory } from 'vue-router'
import { session, restoreSession, forgetSession, hasRole, auditReaders, fundsReaders, ledgerReaders } from './stores/session.js'
import { setUnauthorizedHandler } from './api/client.js'
import { casesRoutes } from './views/cases/routes.js'
import { safeRedirect } from './utils/format.js'
import LoginView from './views/LoginView.vue'
import AppLayout from './layout/AppLayout.vue'

const routes = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: 'login.title' } },
  {
    path: '/',
    component: AppLayout,
    children: [
      { path: '', name: 'overview', component: () => import('./views/OverviewView.vue'), meta: { title: 'nav.overview' } },
      { path: 'bureaus', name: 'bureaus', component: () => import('./views/BureausView.vue'), meta: { title: 'nav.bureaus' } },
      { path: 'staff', name: 'staff', component: () => import('./views/StaffView.vue'), meta: { title: 'nav.staff' } },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('./views/AuditView.vue'),
        meta: { title: 'nav.audit', roles: auditReaders() },
      },
      {
        path: 'funds/allocations',
        name: 'allocations',
        component: () => import('./views/funds/AllocationsView.vue'),
        meta: { title: 'nav.allocations', group: 'nav.fundsGroup', roles: fundsReaders() },
      },
      {
        path: 'funds/projects',
        name: 'projects',
        component: () => import('./views/funds/ProjectsView.vue'),
        meta: { title: 'nav.projects', group: 'nav.fundsGroup', roles: fundsReaders() },
      },
      {
        path: 'funds/projects/:id(\\d+)',
        name: 'project',
        component: () => import('./views/funds/ProjectDetailView.vue'),
        meta: { title: 'project.title', group: 'nav.fundsGroup', parent: { title: 'nav.projects', path: '/funds/projects' }, roles: fundsReaders() },
      },
      {
        path: 'funds/payments',
        name: 'payments',
        component: () => import('./views/funds/PaymentsView.vue'),
        meta: { title: 'nav.payments', group: 'nav.fundsGroup', roles: fundsReaders() },
      },
      {
        path: 'funds/beneficiaries',
        name: 'beneficiaries',
        component: () => import('./views/funds/BeneficiariesView.vue'),
        meta: { title: 'nav.beneficiaries', group: 'nav.fundsGroup', roles: fundsReaders() },
      },
      {
        path: 'funds/payroll',
        name: 'payroll',
        component: () => import('./views/funds/PayrollView.vue'),
        meta: { title: 'nav.payroll', group: 'nav.fundsGroup', roles: fundsReaders() },
      },
      {
        path: 'funds/ledger',
        name: 'ledger',
        component: () => import('./views/funds/LedgerView.vue'),
        meta: { title: 'nav.ledger', group: 'nav.fundsGroup', roles: ledgerReaders() },
      },
      // 办件: service cases, complaints and case assistance (views/cases/routes.js).
      ...casesRoutes,
      { path: 'forbidden', name: 'forbidden', component: () => import('./views/ForbiddenView.vue'), meta: { title: 'errors.forbiddenTitle' } },
      { path: ':rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: 'errors.notFoundTitle' } },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
})

router.beforeEach(async (to) => {
  await restoreSession()
  if (to.meta.public) {
    if (to.name === 'login' && session.user) return { path: safeRedirect(to.query.redirect) }
    return true
  }
  if (!session.user) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (to.meta.roles && !hasRole(...to.meta.roles)) return { name: 'forbidden' }
  return true
})

setUnauthorizedHandler(() => {
  forgetSession()
  const current = router.currentRoute.value
  if (current.name !== 'login') {
    router.replace({ name: 'login', query: { redirect: current.fullPath, expired: '1' } })
  }
})
