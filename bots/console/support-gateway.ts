import type { Reply } from '../../core/reply.ts';
import type { SupportGateway } from '../../core/support/support-gateway.ts';

/** Something the workers sent that the console shows: to a member, to staff, to a channel, or an edit of an earlier message. */
export type ConsoleRelay =
  | { to: 'member'; userId: string; reply: Reply }
  | { to: 'staff'; threadId: string; reply: Reply }
  | { to: 'channel'; channelId: string; reply: Reply }
  | { to: 'edit'; messageId: string; reply: Reply };

/**
 * The console's side of the human takeover: the support worker's relays are shown in the
 * terminal, marked with who receives them (the member's chat, or the ticket's staff "thread"), so
 * one person switching personas with /as can watch a takeover go through the real queue.
 * Until a console is attached, relays wait in the queue (a thrown error is retried). The delivery
 * engine's console gateway (delivery-gateway.ts) shows announcements and their progress here too.
 */
export class ConsoleSupportGateway implements SupportGateway {
  #listener: ((relay: ConsoleRelay) => void) | undefined;
  #sent = 0;

  attach(listener: (relay: ConsoleRelay) => void): void {
    this.#listener = listener;
  }

  async openHandoff() {
    return { threadId: `${Date.now()}${String(this.#sent++).padStart(3, '0')}` };
  }

  async postToHandoff(input: { threadId: string; reply: Reply }) {
    return { messageId: this.show({ to: 'staff', threadId: input.threadId, reply: input.reply }) };
  }

  async postToMember(input: { userId: string; reply: Reply }) {
    return { messageId: this.show({ to: 'member', userId: input.userId, reply: input.reply }) };
  }

  /** Shows a relay; the id stands for the platform's message id. */
  show(relay: ConsoleRelay): string {
    if (!this.#listener) throw new Error('no console attached to show the relay');
    this.#listener(relay);
    return `console-${Date.now()}-${this.#sent++}`;
  }
}
