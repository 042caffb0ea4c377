import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PlanCode, SubscriptionStatus } from '@platform/contracts';
import { OutboxWriter } from '@platform/messaging';
import type { SubscriptionEntity } from './subscription.entity';

/** Statuses of an organization that pays (or paid and owes): plan changes there are "changed". */
export const LIVE_STATUSES: ReadonlySet<SubscriptionStatus> = new Set(['ACTIVE', 'PAST_DUE', 'SUSPENDED']);

/**
 * The subscription lifecycle events, through the outbox in the caller's transaction (the same one as
 * the state change). Published only on a transition, so a repeated fact publishes nothing. Shared by
 * every path that changes a subscription: provider webhooks, direct charges, 3-D Secure, dunning.
 */
@Injectable()
export class SubscriptionLifecycle {
  constructor(private readonly outbox: OutboxWriter) {}

  /** Dunning gave up: the gateway closes everything but auth and billing until payment. */
  async publishSuspended(
    manager: EntityManager,
    organizationId: string,
    plan: PlanCode,
    now: Date,
  ): Promise<void> {
    await this.outbox.addEvent(manager, 'payments.subscription.suspended', {
      organizationId,
      plan,
      suspendedAt: now.toISOString(),
    });
  }

  async publishTransition(
    manager: EntityManager,
    organizationId: string,
    before: { status: SubscriptionStatus; plan: PlanCode },
    after: { status: SubscriptionStatus; plan: PlanCode },
    now: Date,
  ): Promise<void> {
    const wasLive = LIVE_STATUSES.has(before.status);
    if (!wasLive && after.status === 'ACTIVE') {
      await this.outbox.addEvent(manager, 'payments.subscription.activated', {
        organizationId,
        plan: after.plan,
      });
      return;
    }
    if (wasLive && after.status === 'CANCELLED') {
      await this.outbox.addEvent(manager, 'payments.subscription.cancelled', {
        organizationId,
        plan: 'FREE',
        previousPlan: before.plan,
      });
      return;
    }
    if (before.status === 'SUSPENDED' && after.status === 'ACTIVE') {
      await this.outbox.addEvent(manager, 'payments.subscription.reactivated', {
        organizationId,
        plan: after.plan,
        reactivatedAt: now.toISOString(),
      });
    }
    if (wasLive && LIVE_STATUSES.has(after.status) && before.plan !== after.plan) {
      await this.outbox.addEvent(manager, 'payments.subscription.changed', {
        organizationId,
        plan: after.plan,
        previousPlan: before.plan,
      });
    }
  }
}

const DAY_MS = 24 * 3600 * 1000;

/** The day `days` (a DUNNING_RETRY_DAYS entry) after dunning started at `since`. */
export function dunningDay(since: Date, days: number): Date {
  return new Date(since.getTime() + days * DAY_MS);
}

/** When dunning started at `since` suspends if nothing is paid: the schedule's last day. */
export function suspensionDay(since: Date, retryDays: readonly number[]): Date {
  return dunningDay(since, retryDays.at(-1)!);
}

/**
 * The dunning fields of a subscription that starts owing `owed` (a provider invoice, a charge's key,
 * a lapsed prepaid month) at `since`: PAST_DUE, no retry yet, the first on the schedule's first day.
 */
export function startedDunning(owed: string, since: Date, retryDays: readonly number[]) {
  return {
    status: 'PAST_DUE' as const,
    dunningInvoiceId: owed,
    pastDueSince: since,
    dunningRetries: 0,
    nextRetryAt: dunningDay(since, retryDays[0]!),
  };
}

/** The dunning fields of a subscription that pays again (or is cancelled). */
export function clearedDunning(): Partial<SubscriptionEntity> {
  return {
    dunningInvoiceId: null,
    pastDueSince: null,
    dunningRetries: 0,
    nextRetryAt: null,
    suspendedAt: null,
  };
}
