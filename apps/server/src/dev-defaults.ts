/**
 * Development-only credentials, used when `IRONFLOW_ENV=development` and the variable is unset.
 * They are public (they are in this file), so production refuses them: see `loadConfig`.
 */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-in-production!!';

/** Development-only worker token for the ingest routes; refused in production. */
export const DEV_WORKER_TOKEN = 'dev-worker-token-change-me-in-production';

/** The user whose ready-to-paste token the development server prints at start-up. */
export const DEV_USER_NAME = 'dev';
