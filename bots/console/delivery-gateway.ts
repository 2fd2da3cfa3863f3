import type { DeliveryGateway } from '../../core/delivery/delivery-gateway.ts';
import type { ConsoleSupportGateway } from './support-gateway.ts';

/**
 * The delivery engine's console side (`npm start`): announcements, lessons and progress updates
 * the workers send to console personas appear in the terminal, marked with who receives them.
 */
export function createConsoleDeliveryGateway(relays: ConsoleSupportGateway): DeliveryGateway {
  return {
    async send(target, reply) {
      const messageId = target.kind === 'dm' ? relays.show({ to: 'member', userId: target.id, reply }) : relays.show({ to: 'channel', channelId: target.id, reply });
      return { sent: messageId };
    },
    async edit(_target, messageId, reply) {
      relays.show({ to: 'edit', messageId, reply });
      return true;
    },
  };
}
