import { customType, timestamp, uuid } from 'drizzle-orm/pg-core';
import { open, seal } from '../../safety/sealed-values.ts';

export const id = () => uuid('id').primaryKey().defaultRandom();
export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());
export const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Text stored sealed (AES-256-GCM, see core/safety/sealed-values.ts), opened as it is read.
 * `name` is `table.column`: the value is bound to it. Only plain equality-free uses: a query
 * cannot compare or search what it cannot read (lookups go through a hash column).
 */
export const sealedText = (table: string, column: string) =>
  customType<{ data: string; driverData: string }>({
    dataType: () => 'text',
    toDriver: (value) => seal(`${table}.${column}`, value),
    fromDriver: (value) => open(`${table}.${column}`, value),
  })(column);
