/** What the development banner needs to know. */
export interface DevHintsInput {
  /** The server's local URL, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  /** A fresh access token for the development user. */
  readonly accessToken: string;
  /** Lifetime of `accessToken` in seconds. */
  readonly accessTtlSeconds: number;
  readonly username: string;
  readonly workerToken: string;
  /** How to run the CLI from the current directory, e.g. `node apps/server/dist/cli.js`. */
  readonly cliCommand: string;
  /** A run id for the publish example. */
  readonly runId: string;
  /**
   * The certificate the server serves over TLS (`TLS_CERT_FILE`), or null for plain HTTP: curl is
   * told to trust it, so the lines work with a development certificate curl does not know.
   */
  readonly caFile: string | null;
}

/** Quotes `value` for a POSIX shell, so a pasted line works whatever the token contains. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The ready-to-paste lines the development server prints at start-up: a stream command with a
 * fresh access token, and a publish command with the worker token.
 */
export function formatDevHints(input: DevHintsInput): string {
  const { url, accessToken, accessTtlSeconds, username, workerToken, cliCommand, runId, caFile } = input;
  const curl = caFile === null ? 'curl' : `curl --cacert ${shellQuote(caFile)}`;
  const minutes = Math.max(1, Math.round(accessTtlSeconds / 60));
  const event = JSON.stringify({ type: 'run_created', run_id: runId, workflow_name: 'deploy' });
  return [
    '',
    'ironflow is running in development mode; these credentials are for this machine only.',
    '',
    `Stream events (token for "${username}", admin, valid ${minutes} minutes; new one: ${cliCommand} token --user ${username} --admin):`,
    `  ${curl} -N -H "Authorization: Bearer ${accessToken}" ${url}/api/v1/events`,
    '',
    'Publish an event (as a worker):',
    `  ${curl} -X POST -H ${shellQuote(`Authorization: Bearer ${workerToken}`)} -H 'content-type: application/json' -d ${shellQuote(event)} ${url}/api/v1/internal/events`,
    '',
    '',
  ].join('\n');
}
