import { DomainError } from './domain.error';
import type { ValidationIssue } from './validation-issue';

/** The entity is absent or belongs to another tenant: both look the same to the caller on purpose. */
export class NotFoundError extends DomainError {
  constructor(entity: string, id?: string) {
    super('NOT_FOUND', id === undefined ? `${entity} not found` : `${entity} ${id} not found`, {
      entity,
      ...(id === undefined ? {} : { id }),
    });
  }
}

export class ValidationError extends DomainError {
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    super('VALIDATION_FAILED', 'The request is invalid', { issues });
    this.issues = issues;
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this') {
    super('FORBIDDEN', message);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required') {
    super('UNAUTHENTICATED', message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('CONFLICT', message, details);
  }
}

export class NotImplementedError extends DomainError {
  constructor(feature: string) {
    super('NOT_IMPLEMENTED', `${feature} is not implemented`, { feature });
  }
}
