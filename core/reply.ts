import type { Action } from './actions.ts';
import type { Block } from './studio/markdown.ts';

/**
 * What a use case answers, independent of any platform. Adapters render it within their limits
 * (Discord embeds and components, Telegram text and inline keyboards, the console's text). Text
 * is plain: adapters escape it for their markup.
 */
export type Reply = {
  title?: string;
  body?: string;
  fields?: ReplyField[];
  footer?: string;
  actions?: ActionRow[];
  /** Only the actor should see it (Discord ephemeral; Telegram: the private chat). */
  ephemeral?: boolean;
  /** Long content: in a group chat it belongs in the actor's private chat. */
  long?: boolean;
  /** An answer to a button under a delivered message (an unsubscribe): sent as a new message, the pressed one stays as it is. */
  separate?: boolean;
  /** Holds something only the actor may see (a link code): never posted where others read. */
  confidential?: boolean;
  /** A Telegram Stars invoice to send in the private chat (only offered on Telegram). */
  invoice?: ReplyInvoice;
  /** A lesson's rich text (the Markdown subset, parsed): rendered in the platform's markup after `body`. */
  blocks?: Block[];
  /** Files sent with the reply (a lesson's attachments, an export), by their bytes in the file store. */
  files?: ReplyFile[];
  /**
   * Ask the actor to fill in a form: a Discord modal, a step-by-step conversation in Telegram,
   * the equivalent command in the console. Submitting runs `submit` (a `form.submit` action)
   * with the answers as options.
   */
  form?: ReplyForm;
};

export type ReplyFile = { sha256: string; name: string; kind: 'document' | 'slides' | 'audio' | 'video' | 'image' | 'text'; mime: string; size: number };

export type FormInput = {
  key: string;
  label: string;
  /** `file`: not a text: Telegram asks for files here, Discord takes them as a command option. */
  style: 'short' | 'paragraph' | 'file';
  required: boolean;
  minLength?: number;
  maxLength: number;
  /** The current value, for an edit. */
  value?: string;
};

export type ReplyForm = { title: string; submit: Action; inputs: FormInput[] };

/** One Stars price for an order; `payload` is the order id, echoed back by Telegram. */
export type ReplyInvoice = { title: string; description: string; payload: string; stars: number; subscription: boolean };

export type ReplyField = { name: string; value: string; inline?: boolean };

export type ReplyButton =
  | {
      label: string;
      action: Action;
      style?: 'primary' | 'secondary' | 'danger';
      /** Telegram: a `t.me/<bot>?start=<payload>` link instead, which works from any chat (a shared offer in a group). */
      telegramStart?: string;
    }
  | { label: string; url: string };

export type ReplySelect = {
  placeholder: string;
  options: Array<{ label: string; description?: string; action: Action; selected?: boolean }>;
};

export type ActionRow = { buttons: ReplyButton[] } | { select: ReplySelect };

/** Upper bounds every adapter can honour; core trims its own text to these. */
export const replyLimits = {
  title: 200,
  body: 1800,
  fieldName: 200,
  fieldValue: 900,
  fields: 10,
  buttonsPerRow: 5,
  rows: 5,
  selectOptions: 25,
  buttonLabel: 60,
} as const;

export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
