import { clerkPlugin } from '@clerk/vue';
import { createApp } from 'vue';
import App from './App.vue';

createApp(App)
  .use(clerkPlugin, {
    publishableKey: import.meta.env.VITE_CLERK_PUBLISHABLE_KEY,
    proxyUrl: import.meta.env.VITE_CLERK_PROXY_URL,
    afterSignOutUrl: '/',
  })
  .mount('#app');
