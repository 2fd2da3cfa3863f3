/** Discord's wire formats: error answers, JSON payloads of users and roles, route names, body validation. */
import type { z } from 'zod';
import type { Role } from './model.ts';
import type { SimMessage, SimRole } from './types.ts';
import { formErrors, isEmptyMessage } from './validation.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}
export const unknownInteraction = () => new ApiError(404, { message: 'Unknown interaction', code: 10062 });
export const invalidForm = (error: z.ZodError, prefix: Array<string | number> = []) =>
  new ApiError(400, { message: 'Invalid Form Body', code: 50035, errors: formErrors(error, prefix) });
export const missingPermissions = () => new ApiError(403, { message: 'Missing Permissions', code: 50013 });
export const missingAccess = () => new ApiError(403, { message: 'Missing Access', code: 50001 });
export const cannotMessageUser = () => new ApiError(403, { message: 'Cannot send messages to this user', code: 50007 });
export const unknownMember = () => new ApiError(404, { message: 'Unknown Member', code: 10007 });
export const unknownRole = () => new ApiError(404, { message: 'Unknown Role', code: 10011 });
/** Discord's answer for an injectable JSON error code. */
export function apiErrorFor(code: 50001 | 50007 | 50013 | 10007 | 10011): ApiError {
  return { 50001: missingAccess, 50007: cannotMessageUser, 50013: missingPermissions, 10007: unknownMember, 10011: unknownRole }[code]();
}
/** A 50035 with one error at `path`, e.g. `formError(['limit'], 'NUMBER_TYPE_MAX', '...')`. */
export function formError(path: Array<string | number>, code: string, message: string): ApiError {
  return formFailures([{ path, code, message }]);
}

/** One field's problem in a 50035 answer. */
export type FormFailure = { path: Array<string | number>; code: string; message: string };

/** A 50035 naming every problem at once, as Discord reports a body's errors together. */
export function formFailures(failures: FormFailure[]): ApiError {
  const errors: Record<string, unknown> = {};
  for (const { path, code, message } of failures) {
    let node = errors;
    for (const key of path) node = (node[String(key)] ??= {}) as Record<string, unknown>;
    ((node._errors ??= []) as Array<{ code: string; message: string }>).push({ code, message });
  }
  return new ApiError(400, { message: 'Invalid Form Body', code: 50035, errors });
}

export function parseOr<T extends z.ZodType>(schema: T, body: unknown, prefix: Array<string | number> = []): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success && isEmptyMessage(parsed.error)) throw new ApiError(400, { message: 'Cannot send an empty message', code: 50006 });
  if (!parsed.success) throw invalidForm(parsed.error, prefix);
  return parsed.data;
}

export const failure = (message: string) => new Error(`discord sim: ${message}`);

export function allComponents(message: SimMessage): any[] {
  return message.components.flatMap((row: { components?: unknown[] }) => row.components ?? []);
}

export function userPayload(user: { id: string; username: string }): Record<string, unknown> {
  return { id: user.id, username: user.username, discriminator: '0', global_name: user.username, avatar: null, public_flags: 0, flags: 0 };
}

export function rolePayload(role: Role): Record<string, unknown> {
  return { id: role.id, name: role.name, color: role.color, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null, position: role.position, permissions: role.permissions, managed: role.managed, mentionable: false, flags: 0 };
}

export function publicRole(role: Role): SimRole {
  return { id: role.id, name: role.name, permissions: role.permissions, position: role.position, managed: role.managed };
}

export function routeOf(path: string): string {
  return path
    .replace(/\/\d{15,21}/g, '/:id')
    .replace(/\/interactions\/:id\/[^/]+/, '/interactions/:id/:token')
    .replace(/\/webhooks\/:id\/[^/]+/, '/webhooks/:id/:token');
}
