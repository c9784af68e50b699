import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { requireClerkEnv } from '../vite-clerk-env.js';

export default defineConfig(({ mode }) => {
  requireClerkEnv(mode);
  return {
    plugins: [vue()],
    // The seed imports its views as '@/views/…'.
    resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  };
});
