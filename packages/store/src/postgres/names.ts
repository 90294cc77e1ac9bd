/** Schema names are interpolated into SQL, so only plain lowercase identifiers are accepted. */
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
// PostgreSQL truncates identifiers (and refuses channel names) at 63 bytes.
const MAX_IDENTIFIER = 63;

/** The SQL names of one ironflow schema: qualified tables, the NOTIFY channel, lock keys. */
export interface SchemaNames {
  readonly schema: string;
  readonly migrations: string;
  readonly meta: string;
  readonly head: string;
  readonly events: string;
  readonly users: string;
  readonly apiKeys: string;
  readonly sessions: string;
  readonly idempotency: string;
  /** Channel of the log's wake-ups; a collision between schemas would only cost extra reads. */
  readonly channel: string;
  /** Text hashed into the advisory lock key that serialises migrations of this schema. */
  readonly migrationLock: string;
  /** Text hashed into the advisory lock key that serialises user creation in this schema. */
  readonly userLock: string;
}

/** Whether `schema` is a name the PostgreSQL backends accept: `[a-z_][a-z0-9_]{0,62}`. */
export function isValidSchemaName(schema: unknown): schema is string {
  return typeof schema === 'string' && SCHEMA_PATTERN.test(schema);
}

/** The names used by the PostgreSQL backends in `schema` (already checked by the factory). */
export function schemaNames(schema: string): SchemaNames {
  const table = (name: string) => `"${schema}"."${name}"`;
  return {
    schema,
    migrations: table('ironflow_schema_migrations'),
    meta: table('ironflow_meta'),
    head: table('ironflow_log_head'),
    events: table('ironflow_events'),
    users: table('ironflow_users'),
    apiKeys: table('ironflow_api_keys'),
    sessions: table('ironflow_sessions'),
    idempotency: table('ironflow_idempotency_keys'),
    channel: `ironflow_log:${schema}`.slice(0, MAX_IDENTIFIER),
    migrationLock: `ironflow:migrate:${schema}`,
    userLock: `ironflow:users:${schema}`,
  };
}
