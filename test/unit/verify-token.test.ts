import { describe, expect, it } from 'vitest';
import { tokenVerifier } from '../../src/http/verify-token.js';

describe('webhook token check', () => {
  it.each([
    ['the only secret', 's3cret', ['s3cret'], true],
    ['the old secret during a rotation', 'old', ['old', 'new'], true],
    ['the new secret during a rotation', 'new', ['old', 'new'], true],
    ['a wrong token', 'guess', ['old', 'new'], false],
    ['a prefix of the secret', 's3cre', ['s3cret'], false],
    ['the secret with a trailing space', 's3cret ', ['s3cret'], false],
    ['an empty token', '', ['s3cret'], false],
    ['no token at all', undefined, ['s3cret'], false],
    ['any token when no secret is configured', 'anything', [], false],
  ])('%s -> %s', (_name, given, secrets, expected) => {
    expect(tokenVerifier(secrets)(given)).toBe(expected);
  });
});
