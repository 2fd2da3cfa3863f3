import { z } from 'zod';
import { withDefaultAction } from '../../commands/default-action.ts';
import type { CoreDeps } from '../../deps.ts';
import type { DomainError } from '../../errors.ts';
import type { Actor } from '../../members/actor.ts';
import type { Reply } from '../../reply.ts';
import type { Result } from '../../result.ts';
import { announceSendInput, composeAnnouncement } from './compose.ts';
import { announceControlInputs, controlAnnouncement, listAnnouncements } from './control.ts';

const [pause, resume, cancel] = announceControlInputs;

/** `/announce [send] …`, `/announce pause|resume|cancel [#id]`, `/announce status`. */
export const announceInput = withDefaultAction('send', z.discriminatedUnion('action', [announceSendInput, pause!, resume!, cancel!, z.object({ action: z.literal('status') })]));

export function runAnnounceCommand(deps: Pick<CoreDeps, 'db' | 'clock' | 'queue' | 'files' | 'delivery'>, actor: Actor, input: z.infer<typeof announceInput>): Promise<Result<Reply, DomainError>> {
  switch (input.action) {
    case 'send':
      return composeAnnouncement(deps, actor, input);
    case 'status':
      return listAnnouncements(deps, actor);
    default:
      return controlAnnouncement(deps, actor, input);
  }
}
