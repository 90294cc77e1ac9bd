import { createPrivateKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, selfSignedCertificate } from '../src/index.js';

describe('freePort', () => {
  it('gives a port of 127.0.0.1 that a server can then listen on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer().listen(port, '127.0.0.1');
    await once(server, 'listening');
    expect((server.address() as { port: number }).port).toBe(port);
    server.close();
    await once(server, 'close');
  });
});

describe('selfSignedCertificate', () => {
  it('writes a certificate for 127.0.0.1 and localhost, and its key', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ironflow-cert-'));
    try {
      const { cert, key } = await selfSignedCertificate(dir);
      const x509 = new X509Certificate(await readFile(cert));
      expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(x509.checkHost('localhost')).toBe('localhost');
      expect(x509.checkPrivateKey(createPrivateKey(await readFile(key)))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
