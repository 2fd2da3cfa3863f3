import { pino, type Logger } from 'pino';

/** Anything that may carry a secret, wherever it sits in a log object, is replaced. */
const redactPaths = [
  'token',
  '*.token',
  'password',
  '*.password',
  '*.secret',
  '*.secretKey',
  '*.webhookSecret',
  '*.apiKey',
  'url',
  '*.url',
  'databaseUrl',
  'redisUrl',
  '*.databaseUrl',
  '*.redisUrl',
  'dataKeys',
  '*.dataKeys',
  'headers.authorization',
  '*.headers.authorization',
  '*.headers["x-telegram-bot-api-secret-token"]',
  '*.headers["stripe-signature"]',
];

/**
 * The process logger: JSON lines, secrets redacted. `file` sends logs to a file instead of
 * stdout (the console adapter owns the terminal).
 */
export function createLogger(options: { level: string; file?: string | undefined; name?: string }): Logger {
  const destination = options.file
    ? pino.destination({ dest: options.file, mkdir: true, sync: false })
    : pino.destination({ dest: 1, sync: false });
  return pino(
    { name: options.name ?? 'lyceum', level: options.level, redact: { paths: redactPaths, censor: '[redacted]' } },
    destination,
  );
}
