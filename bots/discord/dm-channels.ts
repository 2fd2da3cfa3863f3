import { type APIChannel, type REST, Routes } from 'discord.js';

const DM_CHANNELS_KEPT = 10_000;

/** Each member's DM channel with the bot, opened once and remembered (a bounded cache); `forget` after a refusal. */
export function dmChannels(rest: REST) {
  const known = new Map<string, string>();
  return {
    async of(userId: string): Promise<string> {
      const cached = known.get(userId);
      if (cached) return cached;
      const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as APIChannel;
      known.set(userId, channel.id);
      if (known.size > DM_CHANNELS_KEPT) known.delete(known.keys().next().value!);
      return channel.id;
    },
    forget(userId: string): void {
      known.delete(userId);
    },
  };
}
