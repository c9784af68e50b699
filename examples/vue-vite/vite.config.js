import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { requireClerkEnv } from '../vite-clerk-env.js';

export default defineConfig(({ mode }) => {
  requireClerkEnv(mode);
  return { plugins: [vue()] };
});
