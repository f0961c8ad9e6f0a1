import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { withFile } from './config-file';
import { ConfigError, loadConfig } from '../../../src/config';

// ADMIN_TOKENS / adminTokens: named tokens with roles, kept as SHA-256 only; every bad entry stops
// start-up with a ConfigError naming ADMIN_TOKENS and the entry, never the token.

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const T1 = 'treasury-token-0123456789';
const T2 = 'support-token-0123456789';
const T3 = 'audit-token-0123456789==';


/** The ConfigError's problems; asserts that none of `secrets` appears in the message. */
function problems(env: Record<string, string>, secrets: string[]): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    for (const s of secrets) assert.equal(err.message.includes(s), false, `the error shows a token: ${err.message}`);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration: admin tokens (ADMIN_TOKENS)', () => {
  it('none by default: no ADMIN_TOKEN, no named tokens, 10 failures per minute', () => {
    const c = loadConfig({});
    assert.equal(c.adminToken, null);
    assert.deepEqual(c.adminTokens, []);
    assert.equal(c.http.authFailuresPerMinute, 10);
    assert.equal(loadConfig({ HTTP_AUTH_FAILURES_PER_MINUTE: '3' }).http.authFailuresPerMinute, 3);
  });

  it('parses name=role:token items into names, roles and SHA-256 digests (no token kept)', () => {
    const c = loadConfig({ ADMIN_TOKENS: `treasury=admin:${T1}, support=operator:${T2},audit=viewer:${T3},` });
    assert.deepEqual(c.adminTokens, [
      { name: 'treasury', role: 'admin', tokenSha256: sha(T1) },
      { name: 'support', role: 'operator', tokenSha256: sha(T2) },
      { name: 'audit', role: 'viewer', tokenSha256: sha(T3) },
    ]);
    const text = JSON.stringify(c);
    for (const t of [T1, T2, T3]) assert.equal(text.includes(t), false, 'the loaded config holds no token');
  });

  it('ADMIN_TOKEN is one token named admin with role admin, also as a digest only', () => {
    const c = loadConfig({ ADMIN_TOKEN: T1, ADMIN_TOKENS: `audit=viewer:${T3}` });
    assert.deepEqual(c.adminToken, { name: 'admin', role: 'admin', tokenSha256: sha(T1) });
    assert.deepEqual(c.adminTokens, [{ name: 'audit', role: 'viewer', tokenSha256: sha(T3) }]);
    assert.equal(JSON.stringify(c).includes(T1), false);
  });

  it('a config file may name tokens by their SHA-256 (tokenSha256) or give them (token)', () => {
    const c = loadConfig(
      withFile({
        adminTokens: [
          { name: 'treasury', role: 'admin', tokenSha256: sha(T1).toUpperCase() },
          { name: 'support', role: 'operator', token: T2 },
        ],
      }),
    );
    assert.deepEqual(c.adminTokens, [
      { name: 'treasury', role: 'admin', tokenSha256: sha(T1) },
      { name: 'support', role: 'operator', tokenSha256: sha(T2) },
    ]);
    // ADMIN_TOKENS replaces the file's list.
    assert.deepEqual(loadConfig({ ...withFile({ adminTokens: [{ name: 'x', role: 'admin', token: T1 }] }), ADMIN_TOKENS: `y=viewer:${T2}` }).adminTokens.map((t) => t.name), ['y']);
  });

  it('refuses a duplicate name, naming ADMIN_TOKENS and the entry', () => {
    const p = problems({ ADMIN_TOKENS: `ops=admin:${T1},ops=viewer:${T2}` }, [T1, T2]);
    assert.deepEqual(p, ['ADMIN_TOKENS (adminTokens) entry 2 "ops": name: already used by entry 1']);
    const taken = problems({ ADMIN_TOKEN: T1, ADMIN_TOKENS: `admin=viewer:${T2}` }, [T1, T2]);
    assert.deepEqual(taken, ['ADMIN_TOKENS (adminTokens) entry 1 "admin": name: "admin" is the name of ADMIN_TOKEN (adminToken)']);
  });

  it('refuses one token for two operators (also when one is given as tokenSha256, or is ADMIN_TOKEN)', () => {
    assert.deepEqual(problems({ ADMIN_TOKENS: `a=admin:${T1},b=viewer:${T1}` }, [T1]), [
      'ADMIN_TOKENS (adminTokens) entry 2 "b": token: the same token as entry 1 (each operator needs a token of her own)',
    ]);
    const file = withFile({ adminTokens: [{ name: 'a', role: 'admin', token: T1 }, { name: 'b', role: 'viewer', tokenSha256: sha(T1) }] });
    assert.equal(problems(file, [T1]).length, 1);
    assert.deepEqual(problems({ ADMIN_TOKEN: T2, ADMIN_TOKENS: `ops=viewer:${T2}` }, [T2]), ['ADMIN_TOKENS (adminTokens) entry 1 "ops": token: the same token as ADMIN_TOKEN (adminToken)']);
  });

  it('refuses a short token without showing it', () => {
    assert.deepEqual(problems({ ADMIN_TOKENS: `treasury=admin:${T1},support=operator:short-secret` }, ['short-secret']), [
      'ADMIN_TOKENS (adminTokens) entry 2 "support": token: must be at least 16 characters',
    ]);
  });

  it('refuses a bad role, a bad name and an item that is not name=role:token, all at once', () => {
    const p = problems({ ADMIN_TOKENS: `treasury=boss:${T1},bad name!=viewer:${T2},${T3}` }, [T1, T2, T3]);
    assert.deepEqual(p, [
      'ADMIN_TOKENS (adminTokens) entry 1 "treasury": role: must be one of viewer, operator, admin',
      'ADMIN_TOKENS (adminTokens) entry 2: name: must be 1-32 letters, digits, _ . -',
      'ADMIN_TOKENS (adminTokens) entry 3: must be name=role:token',
    ]);
    assert.match(problems({ ADMIN_TOKENS: `${'n'.repeat(33)}=viewer:${T1}` }, [T1])[0], /entry 1: name: must be 1-32/);
  });

  it('refuses tokenSha256 that is not 64 hex digits, and an entry with both or neither form', () => {
    const p = problems(
      withFile({
        adminTokens: [
          { name: 'a', role: 'admin', tokenSha256: 'abc' },
          { name: 'b', role: 'admin', token: T1, tokenSha256: sha(T1) },
          { name: 'c', role: 'admin' },
          { name: 'd', role: 'admin', token: T2, colour: 'red' },
        ],
      }),
      [T1, T2],
    );
    assert.equal(p.length, 4, p.join('\n'));
    assert.match(p[0], /^ADMIN_TOKENS \(adminTokens\) entry 1 "a": tokenSha256: must be 64 hex digits/);
    assert.equal(p[1], 'ADMIN_TOKENS (adminTokens) entry 2 "b": needs exactly one of token and tokenSha256');
    assert.equal(p[2], 'ADMIN_TOKENS (adminTokens) entry 3 "c": needs exactly one of token and tokenSha256');
    assert.match(p[3], /^ADMIN_TOKENS \(adminTokens\) entry 4 "d": unknown field colour/);
  });

  it('ADMIN_TOKEN keeps its rules (at least 16 characters) and is named in the error', () => {
    assert.deepEqual(problems({ ADMIN_TOKEN: 'short-one' }, ['short-one']), ['ADMIN_TOKEN (adminToken): must be at least 16 characters']);
  });
});
