import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files of a throw-away PKI: one CA that signed a server certificate and a client certificate. */
export interface TestPki {
  dir: string;
  caCertPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  /** A client certificate from ANOTHER CA: the server must refuse it like no certificate at all. */
  strangerCertPath: string;
  strangerKeyPath: string;
  read(path: string): Buffer;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function issue(dir: string, name: string, subject: string, ca: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-subj',
    subject,
    '-out',
    `${name}.csr`,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  ]);
}

function selfSignedCa(dir: string, name: string, subject: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-subj',
    subject,
    '-days',
    '2',
    '-sha256',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-out',
    `${name}.crt`,
  ]);
}

/**
 * Generates, with the `openssl` CLI, what AZUL hands a merchant (a client certificate for mutual TLS)
 * and what the fake needs to play AZUL's side (a server certificate for 127.0.0.1). Fresh per suite:
 * nothing secret is committed and nothing expires in the repository.
 */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'azul-pki-'));
  selfSignedCa(dir, 'ca', '/CN=Fake AZUL Test CA');
  issue(
    dir,
    'server',
    '/CN=127.0.0.1',
    'ca',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  issue(dir, 'client', '/CN=platform-merchant', 'ca', 'extendedKeyUsage=clientAuth\n');
  selfSignedCa(dir, 'stranger-ca', '/CN=Someone Else CA');
  issue(dir, 'stranger', '/CN=not-the-merchant', 'stranger-ca', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caCertPath: join(dir, 'ca.crt'),
    serverCertPath: join(dir, 'server.crt'),
    serverKeyPath: join(dir, 'server.key'),
    clientCertPath: join(dir, 'client.crt'),
    clientKeyPath: join(dir, 'client.key'),
    strangerCertPath: join(dir, 'stranger.crt'),
    strangerKeyPath: join(dir, 'stranger.key'),
    read: (path) => readFileSync(path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
