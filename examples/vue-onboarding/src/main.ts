import { clerkPlugin } from '@clerk/vue';
import { createApp } from 'vue';
import App from './App.vue';
import router from './router';

// The sign-in and sign-up pages the seed's guard sends people to (`/sign-in?redirect_url=…`). They are
// added here, not in router/index.ts, so that file stays as the seed wrote it.
router.addRoute({
  path: '/sign-in/:rest(.*)*',
  name: 'SignIn',
  component: () => import('./views/SignInPage.vue'),
  meta: { isPublic: true },
});
router.addRoute({
  path: '/sign-up/:rest(.*)*',
  name: 'SignUp',
  component: () => import('./views/SignUpPage.vue'),
  meta: { isPublic: true },
});

// clerkPlugin first: the router's guard calls useAuth(), which reads what the plugin provides.
createApp(App)
  .use(clerkPlugin, {
    publishableKey: import.meta.env.VITE_CLERK_PUBLISHABLE_KEY,
    proxyUrl: import.meta.env.VITE_CLERK_PROXY_URL,
    afterSignOutUrl: '/',
  })
  .use(router)
  .mount('#app');
