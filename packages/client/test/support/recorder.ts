import type { IronflowEvent } from '@ironflow/engine';
import { EventSource } from 'eventsource';
import {
  type GapNotice,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionState,
  subscribe,
} from '../../src/index.js';
import type { StreamServer } from './stream-server.js';

/** A subscription that records everything its handlers are told. */
export interface Recorder {
  readonly subscription: Subscription;
  readonly events: IronflowEvent[];
  readonly ids: string[];
  readonly gaps: GapNotice[];
  readonly states: SubscriptionState[];
  readonly errors: Error[];
  /** Every callback, in order, to prove none comes after `close()`. */
  readonly calls: string[];
}

/** Subscribes to `server` in Node: the `eventsource` package and a bearer token from `server`. */
export function record(server: StreamServer, options: Partial<SubscribeOptions> = {}): Recorder {
  const recorder = {
    events: [] as IronflowEvent[],
    ids: [] as string[],
    gaps: [] as GapNotice[],
    states: [] as SubscriptionState[],
    errors: [] as Error[],
    calls: [] as string[],
  };
  const subscription = subscribe(
    {
      url: server.url,
      EventSource,
      token: () => server.token(),
      reconnect: { initialDelayMs: 20 },
      ...options,
    },
    {
      onEvent(event, meta) {
        recorder.calls.push('event');
        recorder.events.push(event);
        recorder.ids.push(meta.id);
      },
      onGap(gap) {
        recorder.calls.push('gap');
        recorder.gaps.push(gap);
      },
      onStateChange(state) {
        recorder.calls.push(`state:${state}`);
        recorder.states.push(state);
      },
      onError(error) {
        recorder.calls.push('error');
        recorder.errors.push(error);
      },
    },
  );
  return { ...recorder, subscription };
}
