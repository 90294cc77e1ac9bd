import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  EventOf,
  EventPublisher,
  IronflowEvent,
  LogLine,
  RunStatus,
  RunStatusChanged,
  StepKind,
  ValidateEventResult,
} from '../src/index.js';
// Only the package entry: this is what other packages and repositories see.
import * as engine from '../src/index.js';

describe('public entry', () => {
  it('exports exactly the documented runtime names', () => {
    expect(Object.keys(engine).sort()).toEqual(
      [
        'AUDIT_ONLY_EVENT_KINDS',
        'EVENT_KIND_NAMES',
        'EVENT_KINDS',
        'MAX_LABELS',
        'PROVIDER_ACCOUNT_CHANGES',
        'PROVIDER_WINDOW_STATUSES',
        'RUN_EVENT_KINDS',
        'SCHEDULE_MISS_REASONS',
        'eventCatalog',
        'eventShapeCatalog',
        'isEventKindName',
        'stepIdOf',
        'EngineError',
        'InvalidEventError',
        'InvalidOptionError',
        'InvalidStatusChangeError',
        'KNOWN_STEP_KINDS',
        'LOG_STREAMS',
        'PublisherClosedError',
        'RUN_STATUSES',
        'SubscriberQueueOverflowError',
        'UnknownEventKindError',
        'allowedNextStatuses',
        'canChangeStatus',
        'createEventPublisher',
        'createInProcessNotifier',
        'createWebhookSubscriber',
        'DEFAULT_WEBHOOK_KINDS',
        'eventJsonSchemas',
        'eventSchemas',
        'exampleEvents',
        'ironflowEventJsonSchema',
        'ironflowEventSchema',
        'isEventKind',
        'isRetryableStatus',
        'isRunStatus',
        'isTerminalStatus',
        'isUserEvent',
        'parseEventKind',
        'parseEventKindList',
        'printEventKind',
        'publishRunStatusChange',
        'retryDelayMs',
        'runIdOf',
        'runStatusChangeEvents',
        'serializeEvent',
        'signWebhookBody',
        'userIdOf',
        'validateEvent',
        'verifyWebhookSignature',
        'WebhookDeliveryError',
      ].sort(),
    );
  });

  it('exposes the documented types', () => {
    expectTypeOf<RunStatusChanged['labels']>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<RunStatusChanged['error']>().toEqualTypeOf<string | null>();
    expectTypeOf<RunStatusChanged['at']>().toEqualTypeOf<string>();
    expectTypeOf<RunStatusChanged['to']>().toEqualTypeOf<RunStatus>();
    expectTypeOf<LogLine['stream']>().toEqualTypeOf<'stdout' | 'stderr' | 'system'>();
    // Unknown fields of a newer producer are kept at run time but are not part of the type.
    expectTypeOf<EventOf<'user_signed_out'>>().toEqualTypeOf<{
      type: 'user_signed_out';
      user_id: string;
      at: string;
    }>();
    expectTypeOf<EventOf<'approval_granted'>['step_id']>().toEqualTypeOf<string | null>();
    expectTypeOf<EventOf<'approval_granted'>['approvals_received']>().toEqualTypeOf<number>();
    expectTypeOf<EventOf<'approval_escalated'>['assignee']>().toEqualTypeOf<string | null>();
    expectTypeOf<engine.EventKindName>().toEqualTypeOf<engine.EventKind | 'secrets_rotated'>();
    expectTypeOf<'provider_account.updated'>().toExtend<engine.EventKind>();
    expectTypeOf<IronflowEvent['type']>().toEqualTypeOf<engine.EventKind>();
    expectTypeOf<'shell'>().toExtend<StepKind>();
    expectTypeOf(engine.validateEvent).returns.toEqualTypeOf<ValidateEventResult>();
    expectTypeOf(engine.createInProcessNotifier).returns.toEqualTypeOf<EventPublisher>();
    expect(engine.createEventPublisher).toBe(engine.createInProcessNotifier);
    expectTypeOf(engine.runIdOf).returns.toEqualTypeOf<string | null>();
  });

  it('is browser-safe: validates, serialises and publishes without Node globals', async () => {
    const publisher = engine.createInProcessNotifier();
    const seen: string[] = [];
    publisher.subscribe(['run_created'], (event) => {
      seen.push(engine.serializeEvent(event));
    });
    const result = engine.validateEvent({
      type: 'run_created',
      run_id: '0190A8E4-7C1F-7B3A-9D2E-4F5A6B7C8D9E',
      workflow_name: 'deploy',
      at: '2026-01-02T03:04:05+01:00',
    });
    expect(result.ok).toBe(true);
    if (result.ok) publisher.publish(result.event);
    await publisher.idle();
    expect(seen).toEqual([
      '{"type":"run_created","run_id":"0190a8e4-7c1f-7b3a-9d2e-4f5a6b7c8d9e","workflow_name":"deploy","at":"2026-01-02T02:04:05Z"}',
    ]);
  });
});
