// The composed app and its logging surface.
export { type AppDeps, createApp, type IronflowApp, type StreamOptions } from './app.js';
export { type AppLogger, silentLogger } from './logger.js';

// Auth routes: response shapes and the sign-in rate limit option.
export type { SessionData, UserView } from './http/auth-session.js';
export type { SignInRateLimitOptions } from './http/sign-in-rate-limiter.js';

// The fan-out hub.
export type { StreamSubscriber } from './sse/connection.js';
export { createHub, type Hub, type HubSnapshot } from './sse/hub.js';
export type { HubMetrics } from './sse/hub-metrics.js';
export type { HubOptions } from './sse/hub-options.js';
export { type GapNotice, planResume, type ResumePlan, type ResumeRequest } from './sse/resume-plan.js';

// The SSE wire format.
export { formatSseComment, formatSseMessage, type SseMessage } from './sse/frame.js';

// Errors, and the headers every response carries.
export { ApiError } from './errors.js';
export { SECURITY_HEADERS } from './middleware/security-headers.js';
