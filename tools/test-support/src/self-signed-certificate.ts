import { execFile } from 'node:child_process';
import path from 'node:path';

/**
 * A self-signed certificate for 127.0.0.1 and localhost (P-256, valid one day), made with openssl
 * as `cert.pem` and `key.pem` in `dir`; returns their paths.
 */
export async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await new Promise<void>((resolve, reject) => {
    execFile(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { timeout: 15_000 },
      (error, _out, stderr) =>
        error ? reject(new Error(`openssl failed: ${stderr || error.message}`)) : resolve(),
    );
  });
  return { cert, key };
}
