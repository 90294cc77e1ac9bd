import { describe, expect, it } from 'vitest';
import { IRONFLOW_USER_NAMESPACE, userIdForName, uuidV5 } from '../src/user-id.js';

describe('uuidV5', () => {
  it('matches the RFC 9562 example (www.example.com in the DNS namespace)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});

describe('userIdForName', () => {
  it('maps a name to the same version 5 UUID every time, and different names apart', () => {
    const alice = userIdForName('alice');
    expect(alice).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(userIdForName('alice')).toBe(alice);
    expect(userIdForName('bob')).not.toBe(alice);
    expect(uuidV5('alice', IRONFLOW_USER_NAMESPACE)).toBe(alice);
  });
});
