/**
 * Helpers for the simulator's own tests: Bot API methods newer than telegraf's types (7.1),
 * wrapped once over `callApi`, and a way to read an API refusal as [code, description].
 */
import { type Telegram, TelegramError } from 'telegraf';

type Loose = (method: string, payload: Record<string, unknown>) => Promise<unknown>;
const loose = (telegram: Telegram): Loose => (method, payload) => (telegram.callApi as unknown as Loose)(method, payload);

export function newerMethods(telegram: Telegram) {
  const call = loose(telegram);
  return {
    refundStarPayment: (userId: number, chargeId: string) =>
      call('refundStarPayment', { user_id: userId, telegram_payment_charge_id: chargeId }) as Promise<true>,
    editUserStarSubscription: (userId: number, chargeId: string, isCanceled: boolean) =>
      call('editUserStarSubscription', { user_id: userId, telegram_payment_charge_id: chargeId, is_canceled: isCanceled }) as Promise<true>,
    getStarTransactions: (offset?: number, limit?: number) =>
      call('getStarTransactions', { ...(offset !== undefined ? { offset } : {}), ...(limit !== undefined ? { limit } : {}) }) as Promise<{
        transactions: Array<Record<string, unknown>>;
      }>,
    /** createInvoiceLink with the Stars fields (subscription_period) telegraf does not type. */
    createInvoiceLink: (invoice: Record<string, unknown>) => call('createInvoiceLink', invoice) as Promise<string>,
  };
}

/** `[error_code, description]` of a refused call, or undefined when it succeeded. */
export function errorOf(call: Promise<unknown>): Promise<[number, string] | undefined> {
  return call.then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof TelegramError) return [error.code, error.description];
      throw error;
    },
  );
}

export const starsInvoice = (overrides: Record<string, unknown> = {}) => ({
  title: 'Pro membership',
  description: 'A month of the paid group',
  payload: 'product:pro',
  provider_token: '',
  currency: 'XTR',
  prices: [{ label: 'Pro', amount: 250 }],
  ...overrides,
});

export const until = async (condition: () => boolean, timeoutMs = 3_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
