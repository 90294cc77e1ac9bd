import type { EventSourceInitLike } from '../../src/index.js';

/**
 * An in-memory EventSource the test drives by hand, for what a real server never sends (invalid
 * payloads, a 400 after open) and for the client's state machine in isolation.
 */
export class FakeEventSource {
  readonly #target = new EventTarget();
  static readonly instances: FakeEventSource[] = [];
  readyState = 0;
  readonly url: string;
  readonly init: EventSourceInitLike | undefined;

  constructor(url: string, init?: EventSourceInitLike) {
    this.url = url;
    this.init = init;
    FakeEventSource.instances.push(this);
  }

  static latest(): FakeEventSource {
    const source = FakeEventSource.instances.at(-1);
    if (source === undefined) throw new Error('no FakeEventSource was created');
    return source;
  }

  // The client's listeners take a MessageEvent, as a real EventSource's named events are.
  addEventListener(type: string, listener: (event: MessageEvent) => void): void {
    this.#target.addEventListener(type, listener as EventListener);
  }

  open(): void {
    this.readyState = 1;
    this.#target.dispatchEvent(new Event('open'));
  }

  message(event: string, data: string, id = ''): void {
    this.#target.dispatchEvent(new MessageEvent(event, { data, lastEventId: id }));
  }

  /** A dropped connection the EventSource retries by itself. */
  drop(): void {
    this.readyState = 0;
    this.#target.dispatchEvent(new Event('error'));
  }

  /** A failed connection the EventSource gives up on, with the `eventsource` package's `code`. */
  fail(code?: number): void {
    this.readyState = 2;
    this.#target.dispatchEvent(
      Object.assign(new Event('error'), { code, message: `Non-200 status code (${code})` }),
    );
  }

  close(): void {
    this.readyState = 2;
  }
}
