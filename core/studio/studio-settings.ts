import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { type CommunitySettings, communities } from '../db/schema/index.ts';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from '../files/upload-policy.ts';
import { type Locale, t } from '../i18n/index.ts';
import type { ReplyField } from '../reply.ts';

const MAX_BLOCKED_WORDS = 100;

/** The studio's options of `/settings`: limits on lesson files (at most the defaults, which Telegram can deliver) and blocked words. */
export const studioSettingsInput = z.object({
  upload_max_mb: z.coerce.number().int().min(1).max(DEFAULT_UPLOAD_LIMITS.maxBytes / 1024 / 1024).optional(),
  files_per_lesson: z.coerce.number().int().min(1).max(DEFAULT_UPLOAD_LIMITS.maxFilesPerLesson).optional(),
  /** Comma-separated words no course may contain; `none` clears them. */
  blocked_words: z.string().trim().min(1).max(1000).optional(),
});

type Changes = Pick<CommunitySettings, 'uploadLimits'> & { blockedWords?: string[] | null };

export function studioSettingChanges(current: CommunitySettings, input: z.infer<typeof studioSettingsInput>): Changes {
  const changes: Changes = {};
  if (input.upload_max_mb !== undefined || input.files_per_lesson !== undefined) {
    const limits = uploadLimitsOf(current);
    changes.uploadLimits = {
      maxBytes: input.upload_max_mb !== undefined ? input.upload_max_mb * 1024 * 1024 : limits.maxBytes,
      maxFilesPerLesson: input.files_per_lesson ?? limits.maxFilesPerLesson,
    };
  }
  if (input.blocked_words !== undefined) {
    const words = input.blocked_words.toLowerCase() === 'none' ? [] : [...new Set(input.blocked_words.split(',').map((word) => word.trim().toLowerCase()).filter(Boolean))].slice(0, MAX_BLOCKED_WORDS);
    changes.blockedWords = words.length ? words : null;
  }
  return changes;
}

export function studioSettingFields(locale: Locale, settings: CommunitySettings): ReplyField[] {
  const limits = uploadLimitsOf(settings);
  return [
    { name: t(locale, 'settings.uploads'), value: t(locale, 'settings.uploadsValue', { mb: Math.round(limits.maxBytes / 1024 / 1024), files: limits.maxFilesPerLesson }) },
    { name: t(locale, 'settings.blockedWords'), value: settings.blockedWords?.length ? settings.blockedWords.join(', ') : t(locale, 'settings.none') },
  ];
}

export const uploadLimitsOf = (settings: CommunitySettings): UploadLimits => settings.uploadLimits ?? DEFAULT_UPLOAD_LIMITS;

/** The community's limits on lesson files. */
export async function communityUploadLimits(db: Queryable, communityId: string): Promise<UploadLimits> {
  const [row] = await db.select({ settings: communities.settings }).from(communities).where(eq(communities.id, communityId));
  return uploadLimitsOf(row?.settings ?? {});
}
