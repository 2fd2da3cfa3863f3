import { type Column, type SQL, sql } from 'drizzle-orm';

/** How an order, ticket or FAQ entry is shown to people: the first 8 characters of its uuid (`#1a2b3c4d`). */
export const shortId = (id: string) => id.slice(0, 8);

/** Rows whose uuid starts with what a person typed (`#1a2b3c4d`, any case); callers ask for two rows to refuse an ambiguous prefix. */
export const byIdPrefix = (column: Column, typed: string): SQL => sql`${column}::text like ${`${typed.replace(/^#/, '').toLowerCase()}%`}`;
