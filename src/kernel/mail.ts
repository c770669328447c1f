import nodemailer from 'nodemailer';
import type { Executor } from './db.ts';
import { enqueue, type JobHandler } from './jobs.ts';
import type { Logger } from './log.ts';

/**
 * E-mail goes through the jobs table, written in the same transaction as the change that causes
 * it (a transactional outbox for mail). Sent by SMTP when SMTP_URL is set; otherwise written to the
 * log so a developer can follow links (password reset, invitations) on a machine without mail.
 */
export interface Email {
  to: string;
  subject: string;
  text: string;
}

export const queueEmail = (tx: Executor, mail: Email, orgId: string | null = null) => enqueue(tx, 'email.send', mail, { orgId, maxAttempts: 8 });

export function emailJobHandler(opts: { smtpUrl?: string; from: string; log: Logger }): JobHandler {
  const transport = opts.smtpUrl ? nodemailer.createTransport(opts.smtpUrl) : null;
  return async (job) => {
    const mail = job.payload as Email;
    if (transport) {
      await transport.sendMail({ from: opts.from, to: mail.to, subject: mail.subject, text: mail.text });
    } else {
      opts.log.info({ mail: { to: mail.to, subject: mail.subject, body: mail.text } }, 'e-mail (no SMTP_URL configured, written to log)');
    }
  };
}
