import { defineConfig } from 'drizzle-kit';

// Generation only (`npm run db:generate`); migrations are applied by the app itself
// (core/db/migrate.ts), so this file needs no database URL.
export default defineConfig({
  dialect: 'postgresql',
  schema: './core/db/schema/index.ts',
  out: './migrations',
  strict: true,
  verbose: true,
});
