// Prisma 6.19's CLI with the JS (WASM) schema engine and the pg driver adapter: no native engine
// binary, so nothing is downloaded (the binaries host is unreachable on the machines this runs on).
// The CLI's adapter is @prisma/adapter-pg 7.10 (installed as "adapter-pg7"): 6.19.3's adapter cannot
// read the PostgreSQL `name` columns the schema engine queries (prisma/prisma issue #27403).
import { PrismaPg } from 'adapter-pg7';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => {
    if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set');
    return new PrismaPg({ connectionString: process.env.DATABASE_URL, idleTimeoutMillis: 500 });
  },
});
