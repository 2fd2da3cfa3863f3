import { undoAuditBatch } from '../../core/access/undo-audit.ts';
import { defineJob } from '../define-job.ts';

/** Reverts one `/access audit apply` batch on Discord (core/access/undo-audit). */
export const undoAuditJob = defineJob('access.undo-audit', async (deps, payload, context) => {
  const result = await undoAuditBatch(deps, payload);
  if (result.ok) context.log.info({ auditId: payload.auditId, ...result.value }, 'audit batch reverted');
  return result;
});
