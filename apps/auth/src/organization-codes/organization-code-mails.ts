import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { LOGGER, PeriodicTask, SERVICE_CONFIG } from '@platform/bootstrap';
import { Mailer } from '@platform/mail';
import { TenantDatabase } from '@platform/tenancy';
import type { AuthEnv } from '../config/auth-env.schema';
import { MailTemplates } from '../mail/mail-templates';
import { SecretBox } from '../security/secret-box';
import { Clock } from '../shared/clock';
import { OrganizationCodeMailEntity } from './organization-code-mail.entity';

/** Pending mails handled per pass at most; the next pass takes the rest. */
const BATCH = 50;
const MAX_RETRY_DELAY_MS = 3_600_000;

const sealContext = (mailId: string) => `organization-code-mail:${mailId}`;

/**
 * The organization-code emails (seed 004: the owners receive the code when the organization pays),
 * delivered durably: queued in the transaction that issues the code, so the mail exists if and only
 * if the code does, and sent from the queue until the SMTP server accepts it — retried with
 * backoff while it refuses, after a crash, on any replica. The clear code exists only in that mail:
 * the queue keeps it sealed (SecretBox, bound to the row) and erases it once sent or given up.
 * A crash after the SMTP server accepted and before the commit sends that mail again (at least
 * once: a second copy of the same code is harmless; a lost one is not).
 */
@Injectable()
export class OrganizationCodeMails extends PeriodicTask {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly mailer: Mailer,
    private readonly templates: MailTemplates,
    private readonly secretBox: SecretBox,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    // Mails left by a previous process (or refused before it stopped) go out now.
    this.runSoon();
  }

  protected runPass() {
    return this.deliverDue();
  }

  protected intervalMs() {
    return this.config.ORGANIZATION_CODE_MAIL_POLL_MS;
  }

  protected passFailed(error: unknown) {
    this.logger.error({ err: error }, 'organization code mail pass failed');
  }

  /** Queues the code's email to each owner, in the caller's tenant transaction (the code's own). */
  async queue(
    manager: EntityManager,
    mail: {
      organizationId: string;
      organizationName: string;
      plan: string;
      code: string;
      to: string[];
    },
  ): Promise<void> {
    const now = this.clock.now();
    for (const to of mail.to) {
      const id = randomUUID();
      await manager.insert(OrganizationCodeMailEntity, {
        id,
        organizationId: mail.organizationId,
        toEmail: to,
        organizationName: mail.organizationName,
        plan: mail.plan,
        sealedCode: this.secretBox.seal(mail.code, sealContext(id)),
        nextAttemptAt: now,
      });
    }
  }

  /** After the queueing transaction committed: send without waiting for the next pass. */
  sendSoon(): void {
    this.runSoon();
  }

  /** One pass over the mails that are due; answers how many were sent. */
  async deliverDue(): Promise<number> {
    const now = this.clock.now();
    const due = (await this.tenants.runAsSystem('auth.organization-code-mail.scan', (manager) =>
      manager.query(
        `SELECT id, organization_id FROM organization_code_mails
          WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= $1
          ORDER BY next_attempt_at LIMIT ${BATCH}`,
        [now],
      ),
    )) as { id: string; organization_id: string }[];
    let sent = 0;
    for (const { id, organization_id: organizationId } of due) {
      try {
        if (await this.deliver(organizationId, id)) sent += 1;
      } catch (error) {
        this.logger.error({ err: error, organizationId }, 'organization code mail could not be handled');
      }
    }
    return sent;
  }

  /**
   * One mail, in its organization's transaction with its row locked (another replica skips it). The
   * row commits as sent only after the SMTP server accepted the mail.
   */
  private deliver(organizationId: string, id: string): Promise<boolean> {
    return this.tenants.runInTenant(organizationId, async (manager) => {
      const now = this.clock.now();
      const row = await manager
        .createQueryBuilder(OrganizationCodeMailEntity, 'm')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where('m.id = :id AND m.sentAt IS NULL AND m.gaveUpAt IS NULL AND m.nextAttemptAt <= :now', {
          id,
          now,
        })
        .getOne();
      if (!row?.sealedCode) return false;
      const attempts = row.attempts + 1;
      try {
        const code = this.secretBox.open(row.sealedCode, sealContext(row.id));
        await this.mailer.send(
          this.templates.organizationCode(row.toEmail, code, row.organizationName, row.plan),
        );
      } catch (error) {
        await manager.update(OrganizationCodeMailEntity, { id }, this.failed(attempts, error, now));
        return false;
      }
      await manager.update(
        OrganizationCodeMailEntity,
        { id },
        { sentAt: now, sealedCode: null, attempts, lastError: null },
      );
      return true;
    });
  }

  /** The next attempt after a doubling delay, or the end: the sealed code is erased either way at the end. */
  private failed(attempts: number, error: unknown, now: Date): Partial<OrganizationCodeMailEntity> {
    const lastError = String((error as Error)?.message ?? error).slice(0, 1000);
    if (attempts >= this.config.ORGANIZATION_CODE_MAIL_MAX_ATTEMPTS) {
      this.logger.error(
        { attempts, err: error },
        'organization code mail given up: the owners did not receive the code',
      );
      return { attempts, lastError, gaveUpAt: now, sealedCode: null };
    }
    const delay = Math.min(
      this.config.ORGANIZATION_CODE_MAIL_RETRY_BASE_MS * 2 ** (attempts - 1),
      MAX_RETRY_DELAY_MS,
    );
    this.logger.warn({ attempts, err: error }, 'organization code mail refused; will retry');
    return { attempts, lastError, nextAttemptAt: new Date(now.getTime() + delay) };
  }
}
