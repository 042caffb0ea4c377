import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { closeServer, listenOnLoopback } from '../http/listen';
import { readBody, sendJson } from '../http/http-io';
import {
  AzulLedger,
  errorAnswer,
  type AzulAnswer,
  type AzulBody,
  type FakeAzulTransaction,
} from './azul-ledger';
import type { TestPki } from './test-certificates';

export interface FakeAzulOptions {
  pki: TestPki;
  auth1?: string;
  auth2?: string;
  store?: string;
  channel?: string;
  /**
   * What a repeated ProcessPayment with a known CustomOrderId gets: 'replay' (default) = the first
   * answer again; 'reject' = AZUL's documented `WRONG TRANSACTION STATE` error. Neither charges twice.
   */
  duplicatePolicy?: 'replay' | 'reject';
}

/** One request as the fake received it, for assertions on what the client really sent. */
export interface FakeAzulRequest {
  /** The query-string method: ProcessPayment (none), ProcessPost, ProcessVoid, ProcessDatavault, ... */
  operation: string;
  body: AzulBody;
  auth1: string | undefined;
  auth2: string | undefined;
  /** CN of the client certificate presented, `undefined` without one. */
  clientCertificate: string | undefined;
}

/**
 * normal: answer. hang: read the request and never answer (AZUL not answering).
 * answer-lost: process the request (the charge happens) and never answer (the answer is lost on the way).
 * unavailable: HTTP 503 with an HTML body, as the IIS in front of AZUL does when the service is down.
 */
export type FakeAzulMode = 'normal' | 'hang' | 'answer-lost' | 'unavailable';

export interface FakeAzul {
  /** Stands for `https://pagos.azul.com.do/WebServices/JSON/Default.aspx`. */
  url: string;
  auth1: string;
  auth2: string;
  store: string;
  channel: string;
  /** Every request that reached the web service, in order. */
  readonly received: FakeAzulRequest[];
  /** AZUL's books: every authorization, post and refund that was recorded. */
  readonly transactions: readonly FakeAzulTransaction[];
  /** Approved Sales and Posts, i.e. money taken from a card (a voided or declined one is not). */
  charges(): FakeAzulTransaction[];
  setMode(mode: FakeAzulMode): void;
  /** Plays the cardholder in the issuer's challenge page: POSTs creq, returns the cRes posted to TermUrl. */
  completeChallenge(
    redirectPostUrl: string,
    creq: string,
    authenticated: boolean,
  ): Promise<{ cRes: string; termUrl: string }>;
  close(): Promise<void>;
}

const OPERATIONS = new Set([
  'ProcessPayment',
  'ProcessPost',
  'ProcessVoid',
  'ProcessDatavault',
  'VerifyPayment',
  'ProcessThreeDSMethod',
  'ProcessThreeDSChallenge',
]);

/** `?ProcessPost` → ProcessPost; no query → ProcessPayment. AZUL matches the method name case-insensitively. */
function operationOf(url: URL): string | undefined {
  const raw = url.search.replace(/^\?/, '').split('&')[0] ?? '';
  if (!raw) return 'ProcessPayment';
  return [...OPERATIONS].find((op) => op.toLowerCase() === raw.toLowerCase());
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * A fake of AZUL's JSON web service (`/WebServices/JSON/Default.aspx`) over HTTPS with mutual TLS:
 * requests without a client certificate signed by the test CA, or without the right Auth1/Auth2
 * headers, Store or Channel, get AZUL's documented errors. Also hosts the issuer's 3-D Secure pages
 * (`/acs/*`), which a browser reaches without a client certificate.
 */
export async function startFakeAzul(options: FakeAzulOptions): Promise<FakeAzul> {
  const auth1 = options.auth1 ?? 'fake-auth1';
  const auth2 = options.auth2 ?? randomBytes(12).toString('hex');
  const store = options.store ?? '39038540035';
  const channel = options.channel ?? 'EC';
  const received: FakeAzulRequest[] = [];
  let mode: FakeAzulMode = 'normal';
  let baseUrl = '';
  const ledger = new AzulLedger(options.duplicatePolicy ?? 'replay', () => baseUrl);

  const answerWebService = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate();
    const clientCertificate = peer && peer.subject ? String(peer.subject.CN) : undefined;
    const raw = await readBody(req);
    let body: AzulBody = {};
    let parsingError = false;
    try {
      body = raw ? (JSON.parse(raw) as AzulBody) : {};
    } catch {
      parsingError = true;
    }
    const operation = operationOf(url);
    received.push({
      operation: operation ?? url.search,
      body,
      auth1: req.headers['auth1'] as string | undefined,
      auth2: req.headers['auth2'] as string | undefined,
      clientCertificate,
    });
    if (mode === 'hang') return; // never answered; close() ends the socket
    if (mode === 'unavailable') {
      res
        .writeHead(503, { 'content-type': 'text/html' })
        .end('<html><body>Service Unavailable</body></html>');
      return;
    }
    const answer = ((): AzulAnswer => {
      if (req.method !== 'POST') return errorAnswer('INVALID_HTTP_METHOD');
      if (!clientCertificate) return errorAnswer('MISSING_CLIENT_CERT');
      if (!socket.authorized) return errorAnswer('INVALID_CLIENT_CERT');
      if (!req.headers['auth1']) return errorAnswer('MISSING_AUTH_HEADER:Auth1');
      if (!req.headers['auth2']) return errorAnswer('MISSING_AUTH_HEADER:Auth2');
      if (req.headers['auth1'] !== auth1 || req.headers['auth2'] !== auth2)
        return errorAnswer('INVALID_AUTH:Auth');
      if (parsingError || !operation) return errorAnswer('PARSING_ERROR');
      if (body['Store'] !== store) return errorAnswer('INVALID_MERCHANTID');
      if (body['Channel'] !== channel) return errorAnswer('INVALID_CHANNEL');
      switch (operation) {
        case 'ProcessPayment':
          return ledger.processPayment(body);
        case 'ProcessPost':
          return ledger.processPost(body);
        case 'ProcessVoid':
          return ledger.processVoid(body);
        case 'ProcessDatavault':
          return ledger.processDataVault(body);
        case 'VerifyPayment':
          return ledger.verifyPayment(body);
        case 'ProcessThreeDSMethod':
          return ledger.processThreeDsMethod(body);
        default:
          return ledger.processThreeDsChallenge(body);
      }
    })();
    if (mode === 'answer-lost') return; // processed, then the answer never leaves
    sendJson(res, 200, answer);
  };

  /** The issuer's challenge page: the test posts the creq and the cardholder's verdict. */
  const answerAcs = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const form = new URLSearchParams(await readBody(req));
    if (url.pathname === '/acs/method') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><body>method data received</body></html>');
      return;
    }
    const { cRes, termUrl } = ledger.answerChallenge(
      form.get('creq') ?? '',
      form.get('outcome') === 'authenticate',
    );
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        `<html><body onload="document.forms[0].submit()"><form method="POST" action="${escapeHtml(termUrl)}">` +
          `<input type="hidden" name="cRes" value="${escapeHtml(cRes)}"/>` +
          `<input type="hidden" name="threeDSSessionData" value=""/></form></body></html>`,
      );
  };

  const server = createServer(
    {
      cert: options.pki.read(options.pki.serverCertPath),
      key: options.pki.read(options.pki.serverKeyPath),
      ca: options.pki.read(options.pki.caCertPath),
      // Asked for on every connection; judged per request so the ACS pages stay reachable by a browser.
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const handler =
        url.pathname.toLowerCase() === '/webservices/json/default.aspx' ? answerWebService : answerAcs;
      handler(req, res, url).catch((error: Error) => {
        if (!res.headersSent) sendJson(res, 400, errorAnswer(`fake AZUL: ${error.message}`));
        else res.destroy(error);
      });
    },
  );
  const port = await listenOnLoopback(server as unknown as import('node:http').Server);
  baseUrl = `https://127.0.0.1:${port}`;

  return {
    url: `${baseUrl}/WebServices/JSON/Default.aspx`,
    auth1,
    auth2,
    store,
    channel,
    received,
    transactions: ledger.transactions,
    charges: () =>
      ledger.transactions.filter(
        (t) =>
          (t.trxType === 'Sale' || t.trxType === 'Post') && t.state !== 'declined' && t.state !== 'voided',
      ),
    setMode(next) {
      mode = next;
    },
    completeChallenge(redirectPostUrl, creq, authenticated) {
      const form = new URLSearchParams({ creq, outcome: authenticated ? 'authenticate' : 'fail' }).toString();
      return new Promise((resolve, reject) => {
        const req = httpsRequest(
          redirectPostUrl,
          {
            method: 'POST',
            ca: options.pki.read(options.pki.caCertPath),
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'content-length': Buffer.byteLength(form),
            },
          },
          (res) => {
            let html = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (html += chunk));
            res.on('end', () => {
              const cRes = /name="cRes" value="([^"]*)"/.exec(html)?.[1];
              const termUrl = /action="([^"]*)"/.exec(html)?.[1];
              if (res.statusCode !== 200 || !cRes || !termUrl)
                reject(new Error(`ACS answered ${res.statusCode}: ${html}`));
              else resolve({ cRes, termUrl: termUrl.replace(/&amp;/g, '&') });
            });
          },
        );
        req.on('error', reject);
        req.end(form);
      });
    },
    close: () => closeServer(server as unknown as import('node:http').Server),
  };
}
