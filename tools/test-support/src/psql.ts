import { execFile } from 'node:child_process';

/**
 * Runs one SQL command with `psql` on `url` and returns its unaligned, tuples-only output (`-At`):
 * one row a line, columns joined by `|`. Tests read what the servers stored this way, with the
 * client the operator would use, not through the code under test.
 */
export function psql(url: string, sql: string, timeoutMs = 25_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'psql',
      [url, '-v', 'ON_ERROR_STOP=1', '-Atqc', sql],
      // Room for a soak's whole event table.
      { timeout: timeoutMs, maxBuffer: 256 * 2 ** 20 },
      (error, out, stderr) =>
        error ? reject(new Error(`psql failed: ${stderr || error.message}`)) : resolve(out),
    );
  });
}
