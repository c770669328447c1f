import pino from 'pino';

/** Structured logs (pino). Secrets are redacted by path wherever they might appear. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.totpSecret',
];

export type Logger = pino.Logger;

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, redact: { paths: redactPaths, censor: '[redacted]' } });
}
