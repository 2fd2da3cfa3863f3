import { relayConversation } from '../../core/support/relay.ts';
import { ok } from '../../core/result.ts';
import { defineJob } from '../define-job.ts';

/** Delivers a support conversation's pending messages, in order (core/support/relay). */
export const relayJob = defineJob('support.relay', async (deps, payload, context) => {
  const result = await relayConversation(deps, payload.conversationId);
  if (result.relayed) context.log.info({ conversationId: payload.conversationId, relayed: result.relayed }, 'support messages relayed');
  return ok(result);
});
