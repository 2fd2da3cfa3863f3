import { z } from 'zod';

/** A command whose sub-command may be left out: `/review` is `/review list`, `/course SQL` is `/course show`. */
export const withDefaultAction = <S extends z.ZodType>(fallback: string, schema: S) =>
  z.preprocess((raw) => (raw && typeof raw === 'object' && (raw as { action?: unknown }).action === undefined ? { ...raw, action: fallback } : raw), schema);
