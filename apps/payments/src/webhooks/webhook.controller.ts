import { Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { PAYMENT_PROVIDERS, type PaymentProviderName } from '@platform/contracts';
import { DomainError, PROBLEM_CONTENT_TYPE, resolveRequestId, toProblemDetails } from '@platform/errors';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { WebhookVerificationError, type VerifiedWebhook } from '../providers/payment-provider.port';
import { PaymentProviders } from '../providers/payment-providers';
import { Clock } from '../shared/clock';
import { WebhookInbox } from './webhook-inbox';
import { WebhookInboxProcessor } from './webhook-inbox.processor';
import { webhooksReceivedTotal } from './webhook-metrics';

/**
 * `POST /v1/webhooks/:provider` on the service's INTERNAL port (the gateway's webhook route kind
 * forwards the public path here unchanged, with the signature headers). Verify → store in the inbox
 * (committed) → 200. Nothing else happens before the answer: the processor applies it afterwards,
 * durably. A duplicate delivery answers 200 `{ duplicate: true }` without a second row.
 */
@Controller('v1/webhooks')
export class WebhookController {
  constructor(
    private readonly providers: PaymentProviders,
    private readonly inbox: WebhookInbox,
    private readonly processor: WebhookInboxProcessor,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post(':provider')
  @HttpCode(200)
  async receive(
    @Param('provider') providerName: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    try {
      if (!(PAYMENT_PROVIDERS as readonly string[]).includes(providerName)) {
        throw new DomainError('NOT_FOUND', `No webhook endpoint for ${providerName}`);
      }
      const name = providerName as PaymentProviderName;
      const provider = this.providers.get(name);
      if (!Buffer.isBuffer(request.body)) {
        throw new DomainError(
          'UNSUPPORTED_MEDIA_TYPE',
          'Webhooks must be sent as application/json or application/x-www-form-urlencoded',
        );
      }
      const now = this.clock.now();
      const verified = provider.verifyWebhook(
        {
          rawBody: request.body,
          headers: request.headers as Record<string, string | undefined>,
          query: request.query as Record<string, string | undefined>,
        },
        now,
      );
      const stored = await this.inbox.accept(name, verified, now);
      webhooksReceivedTotal.inc({ provider: name, outcome: stored ? 'stored' : 'duplicate' });
      if (stored) this.processor.wake();
      const browserReturn = this.browserReturnFor(name, verified);
      if (browserReturn) {
        void reply.status(303).header('location', browserReturn).send();
        return;
      }
      void reply.status(200).send({ received: true, duplicate: !stored });
    } catch (error) {
      const problemSource =
        error instanceof WebhookVerificationError
          ? new DomainError('WEBHOOK_SIGNATURE_INVALID', `Webhook rejected: ${error.reason}`)
          : error;
      const requestId = resolveRequestId(request.headers['x-request-id'], String(request.id));
      const problem = toProblemDetails(problemSource, {
        instance: request.url.split('?')[0] ?? request.url,
        requestId,
        onUnexpected: (errorId, err) => this.logger.error({ err, errorId }, 'webhook intake failed'),
      });
      if (error instanceof WebhookVerificationError) {
        webhooksReceivedTotal.inc({ provider: error.provider, outcome: 'rejected' });
        this.logger.warn({ provider: providerName, reason: error.reason }, 'webhook signature rejected');
      }
      void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
    }
  }

  /**
   * AZUL's challenge result is posted by the cardholder's browser (the issuer's page submits the form
   * to our TermUrl): once it is stored, the browser is sent on to the app (AZUL_RETURN_URL), which
   * polls `GET /v1/payments/azul/payments/:id`. The method step is posted by a hidden iframe: JSON.
   */
  private browserReturnFor(provider: PaymentProviderName, webhook: VerifiedWebhook): string | undefined {
    const target = this.config.AZUL_RETURN_URL;
    if (provider !== 'azul' || webhook.type !== 'three-ds.challenge-completed' || !target) return undefined;
    const url = new URL(target);
    url.searchParams.set('azul3ds', 'received');
    return url.toString();
  }
}
