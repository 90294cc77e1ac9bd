import type {
  EventLog,
  EventLogBounds,
  IdempotencyStore,
  StoredEvent,
  TailStatus,
  User,
  UserStore,
} from '@ironflow/store';
import * as store from '@ironflow/store';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('public entry', () => {
  it('exports exactly the documented runtime names', () => {
    expect(Object.keys(store).sort()).toEqual(
      [
        'API_KEY_SCOPES',
        'ApiKeyPrefixTakenError',
        'EventLogClosedError',
        'EventValidationError',
        'IdempotencyKeyInUseError',
        'InvalidCursorError',
        'StoreError',
        'StoreUnavailableError',
        'UserExistsError',
        'createMemoryApiKeyStore',
        'createMemoryEventLog',
        'createMemoryIdempotencyStore',
        'createMemorySessionStore',
        'createMemoryUserStore',
        'createPostgresApiKeyStore',
        'createPostgresEventLog',
        'createPostgresIdempotencyStore',
        'createPostgresSessionStore',
        'createPostgresUserStore',
        'formatCursor',
        'parseCursor',
      ].sort(),
    );
  });

  it('types the factories by their interfaces', () => {
    expectTypeOf(store.createMemoryEventLog).returns.toEqualTypeOf<EventLog>();
    expectTypeOf(store.createMemoryUserStore).returns.toEqualTypeOf<UserStore>();
    expectTypeOf(store.createMemoryIdempotencyStore).returns.toEqualTypeOf<IdempotencyStore>();
    expectTypeOf<EventLog['bounds']>().returns.toEqualTypeOf<EventLogBounds>();
    expectTypeOf<EventLog['tailStatus']>().returns.toEqualTypeOf<TailStatus>();
    expectTypeOf<EventLog['append']>().returns.toEqualTypeOf<Promise<StoredEvent[]>>();
    expectTypeOf<UserStore['findById']>().returns.toEqualTypeOf<Promise<User | null>>();
    expectTypeOf(store.parseCursor).returns.toEqualTypeOf<store.Cursor>();
  });
});
