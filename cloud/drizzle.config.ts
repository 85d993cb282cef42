import { defineConfig } from 'drizzle-kit'

// `pnpm db:generate` after a schema change; never edit a released migration.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
})
