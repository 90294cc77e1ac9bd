/** Where start-up stopped: opening the PostgreSQL store, or binding `HOST:PORT`. */
export type StartPhase = 'database' | 'listen' | 'tls';

/**
 * The server could not start. `message` is one line for the operator: what failed and how to fix
 * it (printed on stderr); `cause` is the original error (logged as JSON on stdout).
 */
export class StartError extends Error {
  override readonly name = 'StartError';

  constructor(
    readonly phase: StartPhase,
    message: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

interface ErrorFields {
  readonly code?: unknown;
  readonly message?: unknown;
}

const fieldsOf = (error: unknown): ErrorFields =>
  typeof error === 'object' && error !== null ? (error as ErrorFields) : {};

/** `user@host:port/db` of a PostgreSQL URL: never its password. */
function describeDatabase(databaseUrl: string): { where: string; name: string; user: string } {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1)) || '(default)';
  const user = decodeURIComponent(url.username) || '(default user)';
  const where = `${url.hostname || 'localhost'}:${url.port || '5432'}`;
  return { where, name, user };
}

/** Wraps a failure to open the PostgreSQL store in a StartError saying what to fix. */
export function databaseStartError(error: unknown, databaseUrl: string): StartError {
  const { where, name, user } = describeDatabase(databaseUrl);
  const { code, message } = fieldsOf(error);
  const reason = ((): string => {
    switch (code) {
      case 'ECONNREFUSED':
        return `nothing accepts connections at ${where}; start PostgreSQL there, or fix the host and port in DATABASE_URL`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `the host of ${where} does not resolve; fix the host in DATABASE_URL`;
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `${where} cannot be reached (${code}); check the network or firewall, or fix DATABASE_URL`;
      case '3D000':
        return `database "${name}" does not exist on ${where}; create it (\`createdb -h <host> -U <user> ${name}\`) or fix the database name in DATABASE_URL`;
      case '28P01':
      case '28000':
        return `PostgreSQL at ${where} refused user "${user}" (${String(message)}); fix the user or password in DATABASE_URL, or the server's pg_hba.conf`;
      case '42501':
        return `user "${user}" may not create ironflow's tables in "${name}" (${String(message)}); grant it CREATE on the database, or run the first start as its owner`;
      default:
        return `${String(message ?? error)}${code ? ` (${String(code)})` : ''}; check DATABASE_URL and that PostgreSQL at ${where} is up`;
    }
  })();
  return new StartError('database', `cannot open the PostgreSQL store: ${reason}`, { cause: error });
}

/** Wraps a failure to bind `host:port` in a StartError saying what to fix. */
export function listenStartError(error: unknown, host: string, port: number): StartError {
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const { code, message } = fieldsOf(error);
  const reason = ((): string => {
    switch (code) {
      case 'EADDRINUSE':
        return `the port is in use (another ironflow or another program holds it); stop that process, or set PORT to a free port (PORT=0 lets the system pick one)`;
      case 'EACCES':
        return `permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE); set PORT to 1024 or above and put a proxy in front`;
      case 'EADDRNOTAVAIL':
        return `${host} is not an address of this machine; set HOST to one of its addresses, or 0.0.0.0 for all`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `the host name ${host} does not resolve; set HOST to an IP address such as 127.0.0.1 or 0.0.0.0`;
      default:
        return `${String(message ?? error)}${code ? ` (${String(code)})` : ''}; check HOST and PORT`;
    }
  })();
  return new StartError('listen', `cannot listen on ${address}: ${reason}`, { cause: error });
}

/** Wraps a failure to read or parse `TLS_CERT_FILE`/`TLS_KEY_FILE` in a StartError saying what to fix. */
export function tlsStartError(error: unknown, files: { certFile: string; keyFile: string }): StartError {
  const { code, message } = fieldsOf(error);
  return new StartError(
    'tls',
    `cannot use TLS_CERT_FILE=${files.certFile} with TLS_KEY_FILE=${files.keyFile}: ${String(message ?? error)}${code ? ` (${String(code)})` : ''}; give a PEM certificate chain and the PEM private key that matches it`,
    { cause: error },
  );
}
