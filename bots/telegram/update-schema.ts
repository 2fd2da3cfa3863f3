import { z } from 'zod';

const user = z.looseObject({
  id: z.number().int().positive(),
  is_bot: z.boolean(),
  first_name: z.string().max(256),
  last_name: z.string().max(256).optional(),
  username: z.string().max(64).optional(),
  language_code: z.string().max(35).optional(),
});

const chat = z.looseObject({
  id: z.number().int(),
  type: z.enum(['private', 'group', 'supergroup', 'channel']),
  title: z.string().max(256).optional(),
});

const message = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  chat,
  from: user.optional(),
  text: z.string().max(4096).optional(),
  message_thread_id: z.number().int().positive().optional(),
  is_topic_message: z.boolean().optional(),
  reply_to_message: z.looseObject({ message_id: z.number().int(), from: user.optional() }).optional(),
  migrate_to_chat_id: z.number().int().optional(),
  migrate_from_chat_id: z.number().int().optional(),
  successful_payment: z
    .looseObject({
      currency: z.string().max(8),
      total_amount: z.number().int().positive(),
      invoice_payload: z.string().max(128),
      telegram_payment_charge_id: z.string().min(1).max(255),
      subscription_expiration_date: z.number().int().positive().optional(),
    })
    .optional(),
});

/**
 * The parts of a Bot API update the bot reads, checked before any handler sees them (webhook
 * bodies and polled updates alike). Other fields pass through untouched for telegraf.
 */
export const updateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  edited_message: message.optional(),
  callback_query: z
    .looseObject({
      id: z.string().min(1).max(64),
      from: user,
      message: z.looseObject({ message_id: z.number().int(), chat }).optional(),
      data: z.string().max(256).optional(),
    })
    .optional(),
  my_chat_member: z.looseObject({ chat, from: user }).optional(),
  chat_member: z
    .looseObject({
      chat,
      from: user,
      old_chat_member: z.looseObject({ status: z.string().max(32), user }),
      new_chat_member: z.looseObject({ status: z.string().max(32), user }),
    })
    .optional(),
  chat_join_request: z.looseObject({ chat, from: user, user_chat_id: z.number().int(), date: z.number().int() }).optional(),
  pre_checkout_query: z
    .looseObject({ id: z.string().min(1).max(64), from: user, currency: z.string().max(8), total_amount: z.number().int(), invoice_payload: z.string().max(128) })
    .optional(),
});

export type ParsedUpdate = z.infer<typeof updateSchema>;
