import { describe, expect, it } from 'vitest';
import { hasScope, requiredScope, scopesForClerkRole } from './scopes';

describe('the scope a route needs', () => {
  it('lets a reader read, a writer run tasks, and only an admin change the account', () => {
    expect(requiredScope('GET', '/v1/tasks/{id}')).toBe('tasks:read');
    expect(requiredScope('POST', '/v1/tasks')).toBe('tasks:write');
    expect(requiredScope('POST', '/v1/documents')).toBe('tasks:write');
    expect(requiredScope('GET', '/v1/settings')).toBe('tasks:read');
    expect(requiredScope('GET', '/v1/billing')).toBe('tasks:read');
    for (const [method, path] of [
      ['PUT', '/v1/settings'],
      ['POST', '/v1/billing/checkout'],
      ['POST', '/v1/billing/portal'],
      ['PUT', '/v1/employees/{id}'],
      ['DELETE', '/v1/models/{id}'],
      ['GET', '/v1/keys'],
      ['GET', '/v1/audit'],
    ] as const)
      expect(requiredScope(method, path), `${method} ${path}`).toBe('admin');
  });

  it('has admin imply the rest and writing imply reading, never the reverse', () => {
    expect(hasScope(['admin'], 'tasks:write')).toBe(true);
    expect(hasScope(['tasks:write'], 'tasks:read')).toBe(true);
    expect(hasScope(['tasks:read'], 'tasks:write')).toBe(false);
    expect(hasScope(['tasks:write'], 'admin')).toBe(false);
    expect(hasScope(['made-up'], 'tasks:read')).toBe(false);
  });

  it('makes a Clerk organization admin an admin and any other member a task runner', () => {
    expect(scopesForClerkRole('org:admin')).toContain('admin');
    expect(scopesForClerkRole('admin')).toContain('admin');
    expect(scopesForClerkRole('org:member')).toEqual(['tasks:read', 'tasks:write']);
    expect(scopesForClerkRole(undefined)).not.toContain('admin');
  });
});
