// Event kinds: the list, parsing and printing.
export {
  AUDIT_ONLY_EVENT_KINDS,
  EVENT_KIND_NAMES,
  EVENT_KINDS,
  isEventKind,
  isEventKindName,
  parseEventKind,
  parseEventKindList,
  printEventKind,
} from './event-kinds.js';

// Event types and their zod schemas.
export type { EventSchema } from './event-schemas.js';
export { eventSchemas, ironflowEventSchema } from './event-schemas.js';
export type {
  ApprovalEscalated,
  ApprovalGranted,
  ApprovalRejected,
  ApprovalRequested,
  EventInputOf,
  EventKind,
  EventKindName,
  EventOf,
  IronflowEvent,
  LogLine,
  ProviderAccountUpdated,
  ProviderAccountUsageUpdated,
  RetryForced,
  RunBudgetExceeded,
  RunCreated,
  RunEvent,
  RunFailed,
  RunStatusChanged,
  ScheduleOccurrencesMissed,
  SignalAwaited,
  SignalReceived,
  StepCompleted,
  StepFailed,
  UserEvent,
  UserSignedIn,
  UserSignedOut,
  UserSignedUp,
} from './event-types.js';
export type { LogStream } from './field-schemas.js';
export { LOG_STREAMS, MAX_LABELS } from './field-schemas.js';
export type {
  ApprovalRequirement,
  ProviderAccountChange,
  ProviderAccountWindow,
  ProviderWindowStatus,
  ScheduleMissReason,
} from './nested-schemas.js';
export {
  PROVIDER_ACCOUNT_CHANGES,
  PROVIDER_WINDOW_STATUSES,
  SCHEDULE_MISS_REASONS,
} from './nested-schemas.js';
export type { KnownStepKind, StepKind } from './step-kind.js';
export { KNOWN_STEP_KINDS } from './step-kind.js';

// JSON Schemas of the events on the wire, generated from the zod schemas.
export type { JsonSchema } from './json-schemas.js';
export { eventJsonSchemas, ironflowEventJsonSchema } from './json-schemas.js';

// The catalogue of kinds and fields, in words, for documentation and tools.
export type { EventFieldInfo, EventKindInfo, EventShapeInfo } from './event-catalog.js';
export { eventCatalog, eventShapeCatalog } from './event-catalog.js';

// Examples: one canonical event per kind.
export { exampleEvents } from './example-events.js';

// Validation and serialisation.
export type { ValidateEventOptions, ValidateEventResult } from './validate-event.js';
export { validateEvent } from './validate-event.js';
export { serializeEvent } from './serialize-event.js';

// Accessors.
export { isUserEvent, RUN_EVENT_KINDS, runIdOf, stepIdOf, userIdOf } from './event-accessors.js';

// Run status rules.
export type { RunStatus } from './run-status.js';
export {
  allowedNextStatuses,
  canChangeStatus,
  isRunStatus,
  isTerminalStatus,
  RUN_STATUSES,
} from './run-status.js';
export type { RunStatusChange } from './run-status-change-events.js';
export { runStatusChangeEvents } from './run-status-change-events.js';

// Notifier (in-process; to publish to a server use @ironflow/client's createIngestClient).
export type {
  EventHandler,
  EventPublisher,
  EventPublisherOptions,
  SubscribeOptions,
  SubscriberErrorContext,
  SubscriberInfo,
  Subscription,
} from './event-publisher.js';
export { createEventPublisher, createInProcessNotifier } from './event-publisher.js';
export { publishRunStatusChange } from './publish-run-status-change.js';

// Webhooks: the notifier's HTTP subscriber, and the receiver's signature check.
export { WebhookDeliveryError } from './webhook-delivery-error.js';
export { isRetryableStatus, retryDelayMs } from './webhook-retry.js';
export { signWebhookBody, verifyWebhookSignature } from './webhook-signature.js';
export type {
  WebhookDelivery,
  WebhookFailure,
  WebhookSubscriber,
  WebhookSubscriberOptions,
} from './webhook-subscriber.js';
export { createWebhookSubscriber, DEFAULT_WEBHOOK_KINDS } from './webhook-subscriber.js';

// Errors.
export type { EventIssue } from './errors.js';
export {
  EngineError,
  InvalidEventError,
  InvalidOptionError,
  InvalidStatusChangeError,
  PublisherClosedError,
  SubscriberQueueOverflowError,
  UnknownEventKindError,
} from './errors.js';
