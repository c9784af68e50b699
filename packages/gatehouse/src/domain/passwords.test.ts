import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../errors.js';
import { assertAcceptablePassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.js';

function errorOf(password: string): GatehouseError | undefined {
  try {
    assertAcceptablePassword(password);
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  return undefined;
}

describe('assertAcceptablePassword', () => {
  it('refuses passwords shorter than 8 characters', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(8);
    for (const password of ['', 'a', 'Xq7#pL2']) {
      const error = errorOf(password);
      expect(error?.code, password).toBe('form_password_length_too_short');
      expect(error?.status).toBe(422);
      expect(error?.errors[0]?.meta?.paramName).toBe('password');
    }
  });

  it('refuses commonly leaked passwords, whatever their case', () => {
    for (const password of ['password123', 'qwertyuiop', 'Password123', 'QWERTYUIOP', 'iloveyou', '12345678']) {
      const error = errorOf(password);
      expect(error?.code, password).toBe('form_password_pwned');
      expect(error?.status).toBe(422);
      expect(error?.errors[0]?.meta?.paramName).toBe('password');
    }
  });

  it('refuses passwords longer than 256 characters', () => {
    expect(MAX_PASSWORD_LENGTH).toBe(256);
    const error = errorOf(`${'k9'.repeat(128)}x`);
    expect(error?.code).toBe('form_param_format_invalid');
    expect(error?.errors[0]?.meta?.paramName).toBe('password');
  });

  it('accepts long random passwords and the length boundaries', () => {
    expect(errorOf(randomBytes(24).toString('base64url'))).toBeUndefined();
    expect(errorOf('Xq7#pL2!')).toBeUndefined();
    expect(errorOf('k9'.repeat(128))).toBeUndefined();
    expect(() => assertAcceptablePassword('correct-horse-battery-staple-42')).not.toThrow();
  });
});
