#!/usr/bin/env node
// The `ironflow` command line: `serve` runs the server, `token` mints a token for a user, `demo`
// publishes simulated workflow runs to a running server.
import { parseArgs } from 'node:util';
import { closestMatch } from './closest-match.js';
import { DEMO_USAGE } from './demo-usage.js';
import { EXIT_CONFIG, loadConfigOrReport } from './report-config-error.js';
import { mintCliToken } from './token-command.js';

const USAGE = `Usage: ironflow <command> [options]

Commands:
  serve [--workers N]         Run the server (configured by environment variables, see README).
                                --workers   N full instances, one process each, on one port
                                            (needs DATABASE_URL; default 1). One per core:
                                            --workers $(nproc)
  token --user NAME [--admin] [--ttl SECONDS] [--refresh]
                              Print a token signed with JWT_SECRET for user NAME. The user id is a
                              UUID v5 of NAME, so a name always maps to the same user.
                                --admin     the token carries is_admin: true
                                --ttl       lifetime in seconds (default 900, or 604800 with --refresh)
                                --refresh   mint a refresh token instead of an access token
${DEMO_USAGE}
  help                        Show this help.

Examples:
  TOKEN=$(ironflow token --user alice --admin)
  ironflow demo --rate 50 --duration 30
`;

const MAX_TTL_SECONDS = 365 * 24 * 3600;

const COMMANDS = ['serve', 'token', 'demo', 'help'] as const;

/** One line saying what is wrong, and where the usage is (not the whole usage). */
function usageError(message: string): number {
  process.stderr.write(`ironflow: ${message}\nRun \`ironflow help\` for the commands and their options.\n`);
  return EXIT_CONFIG;
}

/** `message` for an unknown option of `parseArgs`, with a "did you mean" for a near miss. */
function withOptionHint(message: string, known: readonly string[]): string {
  const typed = /^Unknown option '--([^'=]+)'/.exec(message)?.[1];
  const near = typed === undefined ? undefined : closestMatch(typed, known);
  return near === undefined ? message : `${message}; did you mean --${near}?`;
}

function parseTtl(text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  const seconds = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return seconds >= 1 && seconds <= MAX_TTL_SECONDS ? seconds : null;
}

const TOKEN_OPTIONS = ['user', 'admin', 'ttl', 'refresh', 'help'];

function token(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'string' },
      admin: { type: 'boolean', default: false },
      ttl: { type: 'string' },
      refresh: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const username = values.user?.trim();
  if (!username) return usageError('token: --user NAME is required');
  const ttlSeconds = parseTtl(values.ttl);
  if (ttlSeconds === null) {
    return usageError(
      `token: --ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}, got "${values.ttl}"`,
    );
  }

  const config = loadConfigOrReport(process.env, { purpose: 'token' });
  if (config === null) return EXIT_CONFIG;
  const minted = mintCliToken(config, {
    username,
    isAdmin: values.admin,
    refresh: values.refresh,
    ttlSeconds,
  });
  process.stdout.write(`${minted}\n`);
  return 0;
}

const MAX_WORKERS = 256;

/** `serve`'s only option, `--workers N`: the count, or what is wrong with the arguments. */
function parseWorkers(args: string[]): number | string {
  let values: { workers?: string | undefined };
  try {
    ({ values } = parseArgs({ args, options: { workers: { type: 'string' } }, strict: true }));
  } catch (error) {
    if (!String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw error;
    return `serve: ${withOptionHint((error as Error).message, ['workers'])} (serve takes only --workers N; configure it with environment variables)`;
  }
  if (values.workers === undefined) return 1;
  const count = /^\d+$/.test(values.workers) ? Number(values.workers) : Number.NaN;
  if (!(count >= 1 && count <= MAX_WORKERS)) {
    return `serve: --workers must be a whole number from 1 to ${MAX_WORKERS}, got "${values.workers}"`;
  }
  return count;
}

/** Runs one command; returns its exit code, or undefined when the command keeps running. */
async function run(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const workers = parseWorkers(rest);
      if (typeof workers === 'string') return usageError(workers);
      if (workers > 1) {
        const { serveWorkers } = await import('./serve-workers.js');
        await serveWorkers(process.env, workers);
        return undefined;
      }
      // Loaded on demand so `ironflow token` does not load the whole server.
      const { serve } = await import('./serve.js');
      await serve(process.env);
      return undefined;
    }
    case 'token':
      try {
        return token(rest);
      } catch (error) {
        // parseArgs reports unknown options and missing values as errors coded ERR_PARSE_ARGS_*.
        if (!String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw error;
        return usageError(`token: ${withOptionHint((error as Error).message, TOKEN_OPTIONS)}`);
      }
    case 'demo': {
      // Loaded on demand, like `serve`.
      const { demoCommand } = await import('./demo-command.js');
      return demoCommand(rest, usageError);
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    case undefined:
      return usageError('missing command');
    default: {
      const near = closestMatch(command, COMMANDS);
      return usageError(`unknown command: ${command}${near ? ` (did you mean \`ironflow ${near}\`?)` : ''}`);
    }
  }
}

const code = await run(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
