import { and, eq } from 'drizzle-orm';
import { communityFiles } from '../db/schema/index.ts';
import type { Database } from '../db/client.ts';
import type { DomainError } from '../errors.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { err, ok, type Result } from '../result.ts';
import type { FileStore } from './file-store.ts';
import { type AttachmentKind, checkUpload, DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './upload-policy.ts';

/** Enough of the start of a file for every type the policy knows (file-type reads at most a few KB). */
const HEAD_BYTES = 4_100;

export type UploadedFile = { fileId: string; sha256: string; kind: AttachmentKind; mime: string; size: number; deduplicated: boolean };

/**
 * A creator's upload: judged from its bytes against the community's limits, then stored once in
 * the file store and claimed by the community. The bytes are stored before the row is written, so
 * a failure leaves at most unreferenced bytes (which a later upload of the same file reuses),
 * never a row without its file. The same bytes again give the same file.
 */
export async function storeUpload(
  deps: { db: Database; files: FileStore },
  actor: Actor,
  input: { name: string; bytes: Uint8Array },
  limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
): Promise<Result<UploadedFile, DomainError>> {
  if (!can(actor.role, 'catalog.manage')) return err({ code: 'forbidden', permission: 'catalog.manage' });
  const name = input.name.trim().slice(0, 200) || 'file';
  const checked = await checkUpload({ name, head: input.bytes.subarray(0, HEAD_BYTES), size: input.bytes.byteLength }, limits);
  if (!checked.ok) return err({ code: 'upload_refused', reason: checked.reason, detail: checked.detail });
  const stored = await deps.files.put(input.bytes, { maxBytes: limits.maxBytes });
  const [created] = await deps.db
    .insert(communityFiles)
    .values({ communityId: actor.communityId, sha256: stored.sha256, size: stored.size, mime: checked.mime, kind: checked.kind, name, uploadedByMemberId: actor.memberId })
    .onConflictDoNothing()
    .returning({ id: communityFiles.id });
  const fileId = created?.id ?? (await deps.db.select({ id: communityFiles.id }).from(communityFiles).where(and(eq(communityFiles.communityId, actor.communityId), eq(communityFiles.sha256, stored.sha256))))[0]!.id;
  return ok({ fileId, sha256: stored.sha256, kind: checked.kind, mime: checked.mime, size: stored.size, deduplicated: !created });
}
