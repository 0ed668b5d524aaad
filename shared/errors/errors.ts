/**
 * Typed errors. Each carries a stable `code`, which is its class name (and its `name`, which
 * Step Functions matches in Retry and Catch), the HTTP status an API maps it to, a message a user
 * can act on, and the error it wraps as `cause`. Handlers map them to responses; nothing throws a
 * bare Error across a package boundary.
 */
export class TechteamError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    status: number,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = code;
    this.code = code;
    this.status = status;
    this.details = details;
  }

  toJSON(): { error: { code: string; message: string; details?: Record<string, unknown> } } {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

export class InvalidInput extends TechteamError {
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = []) {
    super('InvalidInput', 400, message, issues.length ? { issues } : undefined);
    this.issues = issues;
  }
}

export class NotFound extends TechteamError {
  constructor(kind: string, id: string) {
    super('NotFound', 404, `${kind} '${id}' was not found`, { kind, id });
  }
}

export class IllegalTransition extends TechteamError {
  constructor(taskId: string, from: string, to: string) {
    super('IllegalTransition', 409, `Task ${taskId} cannot go from '${from}' to '${to}'`, {
      taskId,
      from,
      to,
    });
  }
}

/** Another writer changed the item first (a lost conditional-write race). */
export class ConcurrentUpdate extends TechteamError {
  constructor(what: string, expected: string) {
    super(
      'ConcurrentUpdate',
      409,
      `${what} changed concurrently (expected ${expected}); read it again and retry`,
      {
        what,
        expected,
      },
    );
  }
}

export class ConfigInvalid extends TechteamError {
  constructor(variable: string, problem: string) {
    super('ConfigInvalid', 500, `Configuration variable ${variable} ${problem}`, { variable });
  }
}

export class PortInUse extends TechteamError {
  constructor(port: number, variable: string) {
    super('PortInUse', 500, `Port ${port} is already in use; set ${variable} to a free port`, {
      port,
      variable,
    });
  }
}

export class MissingDependency extends TechteamError {
  constructor(what: string, install: string) {
    super('MissingDependency', 500, `${what} is not installed. Install it with: ${install}`, {
      what,
      install,
    });
  }
}

export function isTechteamError(e: unknown): e is TechteamError {
  return e instanceof TechteamError;
}
