import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/config-error.js';
import { capStreams, parseOpenFilesLimit } from '../src/stream-cap.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ironflow-tls-config-'));
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');
writeFileSync(cert, 'not checked here');
writeFileSync(key, 'not checked here');

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('TLS_CERT_FILE and TLS_KEY_FILE', () => {
  it('turn HTTPS on together', () => {
    expect(loadConfig({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key }).tls).toEqual({
      certFile: cert,
      keyFile: key,
    });
    expect(loadConfig({}).tls).toBeNull();
  });

  it('are both or neither', () => {
    expect(problems({ TLS_CERT_FILE: cert })).toEqual([
      expect.stringMatching(/^TLS_KEY_FILE: is required when TLS_CERT_FILE is set/),
    ]);
    expect(problems({ TLS_KEY_FILE: key })).toEqual([
      expect.stringMatching(/^TLS_CERT_FILE: is required when TLS_KEY_FILE is set/),
    ]);
  });

  it('must name readable files, each reported', () => {
    const missing = path.join(dir, 'missing.pem');
    expect(problems({ TLS_CERT_FILE: missing, TLS_KEY_FILE: missing })).toEqual([
      `TLS_CERT_FILE: cannot read the certificate chain file "${missing}" (ENOENT); give the path of a readable PEM file`,
      `TLS_KEY_FILE: cannot read the private key file "${missing}" (ENOENT); give the path of a readable PEM file`,
    ]);
  });
});

describe('the stream limit and the file-descriptor limit', () => {
  const limits = (soft: string) =>
    `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}                 524288               files\n`;

  it('reads the soft limit of open files', () => {
    expect(parseOpenFilesLimit(limits('20000'))).toBe(20_000);
    expect(parseOpenFilesLimit(limits('unlimited'))).toBeNull();
    expect(parseOpenFilesLimit('nothing here')).toBeNull();
  });

  it('caps the configured limit below the fd limit, keeping a headroom, and says so', () => {
    expect(capStreams(50_000, limits('20000'))).toEqual({
      maxStreams: 18_000,
      fdLimit: 20_000,
      capped: true,
    });
    expect(capStreams(100, limits('256'))).toEqual({ maxStreams: 100, fdLimit: 256, capped: false });
    expect(capStreams(50_000, limits('256'))).toEqual({ maxStreams: 192, fdLimit: 256, capped: true });
    expect(capStreams(50_000, null)).toEqual({ maxStreams: 50_000, fdLimit: null, capped: false });
  });
});
