/**
 * The errors every port throws, so a caller (the staff site, Teams, the CLI) can answer the
 * same way whichever store, SQLite or PostgreSQL, is behind it.
 */

/** Thrown when a member of staff acts on a handover outside their locality (or it does not exist). */
export class HandoverNotFoundError extends Error {
  override readonly name = 'HandoverNotFoundError';
  constructor(reference: string) {
    // Same message whether it does not exist or is not theirs: do not reveal which.
    super(`handover ${reference} was not found`);
  }
}

/** Thrown when a change does not fit the handover's state (e.g. claiming a closed one). */
export class HandoverStateError extends Error {
  override readonly name = 'HandoverStateError';
}

/** Thrown when a draft is invalid; `issues` lists the problems (paths and messages only). */
export class HandoverValidationError extends Error {
  override readonly name = 'HandoverValidationError';
  constructor(readonly issues: string[]) {
    super(`invalid handover: ${issues.join('; ')}`);
  }
}
