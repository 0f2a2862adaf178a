// Pages of the public portal, served by the server at /portal and /portal/*.
// After each navigation the page's <h1> takes focus and the document title follows,
// so that screen-reader users hear where they are.
import { createRouter, createWebHistory } from 'vue-router'
import HomeView from './views/HomeView.vue'

export const router = createRouter({
  history: createWebHistory('/portal/'),
  routes: [
    { path: '/', name: 'home', component: HomeView, meta: { title: 'nav.home' } },
    { path: '/apply', name: 'apply', component: () => import('./views/ApplyView.vue'), meta: { title: 'apply.title' } },
    { path: '/status', name: 'status', component: () => import('./views/StatusView.vue'), meta: { title: 'status.title' } },
    { path: '/times', name: 'times', component: () => import('./views/TimesView.vue'), meta: { title: 'times.title' } },
    { path: '/complaint', name: 'complaint', component: () => import('./views/ComplaintView.vue'), meta: { title: 'complaint.title' } },
    { path: '/assistance', name: 'assistance', component: () => import('./views/AssistanceView.vue'), meta: { title: 'assistance.title' } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
  scrollBehavior: () => ({ top: 0 }),
})
