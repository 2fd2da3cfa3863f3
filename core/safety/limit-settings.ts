import { z } from 'zod';
import type { CommunitySettings } from '../db/schema/index.ts';
import { type Locale, t } from '../i18n/index.ts';
import type { ReplyField } from '../reply.ts';
import { COMMUNITY_LIMITS, type CommunityLimitName, type CommunityLimits, DEFAULT_LIMITS, limitSchema } from './rate-limits.ts';

const ENTRY = /^([a-z]+)\s*=\s*(\d{1,5})\s*\/\s*(\d{1,5})\s*s?$/;

/**
 * `rate_limits:"commands=8/20, buttons=12/10"` (uses per seconds) sets some of the community's
 * limits, `default` goes back to Lyceum's. A name or number out of range is refused as a whole.
 */
export const limitSettingsInput = z.object({
  rate_limits: z
    .string()
    .trim()
    .toLowerCase()
    .max(200)
    .transform((text, context): CommunityLimits | 'default' => {
      if (text === 'default') return 'default';
      const limits: CommunityLimits = {};
      for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
        const match = ENTRY.exec(entry);
        const name = match?.[1] as CommunityLimitName | undefined;
        const limit = match ? limitSchema.safeParse({ points: Number(match[2]), seconds: Number(match[3]) }) : undefined;
        if (!name || !COMMUNITY_LIMITS.includes(name) || !limit?.success) {
          context.addIssue({ code: 'custom', message: `"${entry}" is not name=uses/seconds with a name of ${COMMUNITY_LIMITS.join(', ')} (uses 1-10000, seconds 1-86400)` });
          return z.NEVER;
        }
        limits[name] = limit.data;
      }
      if (!Object.keys(limits).length) {
        context.addIssue({ code: 'custom', message: 'give name=uses/seconds, or default' });
        return z.NEVER;
      }
      return limits;
    })
    .optional(),
});

/** The limits to store: merged over the current ones, or null (all back to the defaults). */
export function limitSettingChanges(current: CommunitySettings, input: z.infer<typeof limitSettingsInput>): { rateLimits?: CommunityLimits | null } {
  if (input.rate_limits === undefined) return {};
  if (input.rate_limits === 'default') return { rateLimits: null };
  return { rateLimits: { ...current.rateLimits, ...input.rate_limits } };
}

export function limitSettingFields(locale: Locale, settings: CommunitySettings): ReplyField[] {
  const value = COMMUNITY_LIMITS.map((name) => {
    const { points, seconds } = settings.rateLimits?.[name] ?? DEFAULT_LIMITS[name];
    return t(locale, `settings.rateLimit.${name}`, { points, seconds });
  }).join('\n');
  return [{ name: t(locale, 'settings.rateLimits'), value }];
}
