/** The bot's profile (getMe) and its command menus per scope and language. */
import { z } from 'zod';
import type { Methods, SimState } from './state.ts';
import { jsonOrValue, parse } from './validation.ts';

const scope = jsonOrValue(z.object({ type: z.string() }).loose());
const schemas = {
  setMyCommands: z.object({
    commands: jsonOrValue(
      z
        .array(
          z.object({
            command: z.string().regex(/^[a-z0-9_]{1,32}$/, 'BOT_COMMAND_INVALID'),
            description: z.string().trim().min(1, 'BOT_COMMAND_DESCRIPTION_INVALID').max(256, 'BOT_COMMAND_DESCRIPTION_INVALID'),
          }),
        )
        .max(100, 'BOT_COMMANDS_TOO_MUCH'),
    ),
    scope: scope.optional(),
    language_code: z.string().regex(/^([a-z]{2})?$/, 'LANG_CODE_INVALID').optional(),
  }),
  commandScope: z.object({ scope: scope.optional(), language_code: z.string().optional() }),
};

/** The key of a command menu: `${scope}|${language}` (default scope, no language by default). */
export const menuKey = (scopeType = 'default', languageCode = '') => `${scopeType}|${languageCode}`;

export function commandMethods(sim: SimState): Methods {
  return {
    getMe: () => ({ ...sim.bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false }),
    setMyCommands: (raw) => {
      const params = parse(schemas.setMyCommands, raw);
      sim.commandMenus.set(menuKey(params.scope?.type, params.language_code), params.commands);
      return true;
    },
    getMyCommands: (raw) => {
      const params = parse(schemas.commandScope, raw);
      return sim.commandMenus.get(menuKey(params.scope?.type, params.language_code)) ?? [];
    },
    deleteMyCommands: (raw) => {
      const params = parse(schemas.commandScope, raw);
      sim.commandMenus.delete(menuKey(params.scope?.type, params.language_code));
      return true;
    },
  };
}
