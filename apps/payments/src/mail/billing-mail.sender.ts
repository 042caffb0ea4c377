import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { billingNoticeRequestedSchema } from '@platform/contracts';
import { Mailer } from '@platform/mail';
import { PoisonMessageError } from '@platform/messaging';
import { isUuid, TenantDatabase } from '@platform/tenancy';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import { composeBillingNotice } from './billing-notice-text';

export type BillingNoticeRequest = z.output<typeof billingNoticeRequestedSchema>;

/**
 * Sends one queued billing notice, once per mail key, to the organization's billing address as it is
 * now (the queued notice carries none). In the organization's transaction it claims
 * the key in `sent_billing_mails` (a concurrent duplicate waits on the key), hands the mail to SMTP,
 * and commits only after the server accepted it: a failed send rolls the claim back and throws, so
 * the consumer retries later. A crash after the server accepted and before the commit sends it
 * again (at-least-once); the Message-ID, derived from the key, is the same on both copies.
 */
@Injectable()
export class BillingMailSender {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly mailer: Mailer,
    private readonly subscriptions: SubscriptionRepository,
  ) {}

  async send({
    organizationId,
    mailKey,
    notice,
  }: BillingNoticeRequest): Promise<'sent' | 'duplicate' | 'no-address'> {
    if (!isUuid(organizationId))
      throw new PoisonMessageError(`organizationId "${organizationId}" is not a uuid`);
    return this.tenants.runInTenant(organizationId, async (manager) => {
      const claimed: unknown[] = await manager.query(
        `INSERT INTO sent_billing_mails (organization_id, mail_key, kind) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING mail_key`,
        [organizationId, mailKey, notice.kind],
      );
      if (claimed.length === 0) return 'duplicate';
      const to = (await this.subscriptions.find(organizationId, manager))?.billingEmail;
      // The address was removed since: nobody to tell (the claim stays, so it is not retried).
      if (!to) return 'no-address';
      await this.mailer.send({
        to,
        ...composeBillingNotice(notice),
        messageId: messageIdOf(organizationId, mailKey),
      });
      return 'sent';
    });
  }
}

/** `<hash of organization and key@billing.platform>`: stable per notice, reveals neither. */
function messageIdOf(organizationId: string, mailKey: string): string {
  const digest = createHash('sha256').update(`${organizationId}\n${mailKey}`).digest('hex').slice(0, 32);
  return `<${digest}@billing.platform>`;
}
