import { Agent, request } from 'node:https';
import { AzulTimeoutError, AzulUnavailableError } from './azul-errors';
import { AZUL_OPERATIONS, azulAnswerSchema, type AzulAnswer, type AzulOperation } from './azul-messages';

export interface AzulTransportOptions {
  /** `https://pagos.azul.com.do/WebServices/JSON/Default.aspx` (production) or the `pruebas` host. */
  url: string;
  auth1: string;
  auth2: string;
  /** PEM client certificate and key AZUL issued for mutual TLS. */
  cert: Buffer | string;
  key: Buffer | string;
  /** Extra trusted CA (PEM); unset in production, where AZUL's certificate chains to a public root. */
  ca?: Buffer | string;
  /** Whole-request budget. AZUL suggests up to 120 s for a sale; we choose shorter and verify after. */
  timeoutMs: number;
}

/** Node error codes that prove the request never reached AZUL's application. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * POSTs one JSON message to AZUL over mutual TLS with the Auth1/Auth2 headers and parses the answer.
 * No retries here: whether a retry is safe depends on the operation (see AzulClient).
 */
export class AzulTransport {
  private readonly agent: Agent;

  constructor(private readonly options: AzulTransportOptions) {
    this.agent = new Agent({
      cert: options.cert,
      key: options.key,
      ca: options.ca,
      keepAlive: true,
      maxSockets: 16,
    });
  }

  send(operation: AzulOperation, message: Record<string, unknown>): Promise<AzulAnswer> {
    const query = AZUL_OPERATIONS[operation];
    const url = query ? `${this.options.url}?${query}` : this.options.url;
    const payload = JSON.stringify(message);
    return new Promise<AzulAnswer>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            Auth1: this.options.auth1,
            Auth2: this.options.auth2,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) =>
            settle(() => reject(new AzulUnavailableError(operation, error.message, false))),
          );
          res.on('end', () =>
            settle(() => {
              const text = Buffer.concat(chunks).toString('utf8');
              const status = res.statusCode ?? 0;
              let json: unknown;
              try {
                json = JSON.parse(text);
              } catch {
                reject(
                  new AzulUnavailableError(operation, `HTTP ${status} with a body that is not JSON`, false),
                );
                return;
              }
              const parsed = azulAnswerSchema.safeParse(json);
              if (!parsed.success || status >= 500) {
                reject(
                  new AzulUnavailableError(operation, `HTTP ${status} with an unexpected answer`, false),
                );
                return;
              }
              resolve(parsed.data);
            }),
          );
        },
      );
      const timer = setTimeout(() => {
        settle(() => reject(new AzulTimeoutError(operation, this.options.timeoutMs)));
        req.destroy();
      }, this.options.timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) =>
        settle(() =>
          reject(new AzulUnavailableError(operation, error.message, NOT_SENT_CODES.has(error.code ?? ''))),
        ),
      );
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
