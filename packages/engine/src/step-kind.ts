/** The step kinds ironflow itself runs. Any other non-empty string is a custom operation. */
export const KNOWN_STEP_KINDS = Object.freeze(['shell', 'http', 'agent', 'workflow'] as const);

/** A known step kind. */
export type KnownStepKind = (typeof KNOWN_STEP_KINDS)[number];

/**
 * The kind of a step: one of {@link KNOWN_STEP_KINDS} or any other non-empty string, passed through as
 * given. `KnownStepKind | (string & {})` keeps editor completion for the known values.
 */
export type StepKind = KnownStepKind | (string & {});
