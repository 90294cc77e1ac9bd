// The composed app.
export { type AppDeps, createApp, type IronflowApp, type StreamOptions } from './app.js';
// Errors.
export { ApiError } from './errors.js';
// Auth routes: response shapes and the sign-in rate limit option.
export type { SessionData, UserView } from './http/auth-session.js';
export type { SignInRateLimitOptions } from './http/sign-in-rate-limiter.js';
export { type AppLogger, silentLogger } from './logger.js';
export type { StreamSubscriber } from './sse/connection.js';
export { formatSseComment, formatSseMessage, type SseMessage } from './sse/frame.js';
// The fan-out hub and the SSE wire format.
export { createHub, type Hub, type HubOptions, type HubSnapshot } from './sse/hub.js';
export { type GapNotice, planResume, type ResumePlan, type ResumeRequest } from './sse/resume-plan.js';
