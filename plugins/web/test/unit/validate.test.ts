import { isArtifactName, isItemId, isRunId, isWorkspaceIndex } from '../../src/server/validate.js';
import { isAllowedHost, isLoopback, isSameOrigin, loopbackHostNames, tokenMatches } from '../../src/server/security.js';

describe('path parameters', () => {
  it('accept ids and artifact paths of safe segments only', () => {
    expect(isRunId('run-4147d9da6e094893e20bf1ec9d08f2c1')).toBe(true);
    expect(isItemId('demo-001-greeting')).toBe(true);
    expect(isArtifactName('stage_results/request-1.json')).toBe(true);
    for (const bad of ['..', '.', '.hidden', '../x', 'a/../b', 'a%2Fb', 'a\\b', '', 'x'.repeat(129), 'a b', '/etc/passwd']) {
      expect([bad, isRunId(bad) || isItemId(bad)]).toEqual([bad, false]);
    }
    for (const bad of ['../state/x', 'a//b', '/a', 'a/', 'a/./b', 'a/.git/config', '%2e%2e/x']) expect([bad, isArtifactName(bad)]).toEqual([bad, false]);
  });

  it('workspace indexes are plain decimals below the count', () => {
    expect(isWorkspaceIndex('0', 1)).toBe(true);
    expect(isWorkspaceIndex('1', 2)).toBe(true);
    for (const bad of ['1', '00', '-1', '0x0', ' 0', '1e0', '']) expect([bad, isWorkspaceIndex(bad, 1)]).toEqual([bad, false]);
  });
});

describe('request checks', () => {
  it('loopback hosts, Host allow-list, same origin and the token', () => {
    expect(isLoopback('127.0.0.1') && isLoopback('localhost') && isLoopback('::1') && isLoopback('127.1.2.3')).toBe(true);
    expect(isLoopback('0.0.0.0') || isLoopback('192.168.1.2')).toBe(false);
    const hosts = loopbackHostNames('127.0.0.1', 8765);
    expect(isAllowedHost('localhost:8765', hosts) && isAllowedHost('127.0.0.1:8765', hosts)).toBe(true);
    expect(isAllowedHost('evil.example:8765', hosts) || isAllowedHost('127.0.0.1:80', hosts) || isAllowedHost(undefined, hosts)).toBe(false);
    expect(isSameOrigin('http://127.0.0.1:8765', '127.0.0.1:8765')).toBe(true);
    expect(isSameOrigin('http://evil.example', '127.0.0.1:8765') || isSameOrigin('null', '127.0.0.1:8765') || isSameOrigin(undefined, '127.0.0.1:8765')).toBe(false);
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc') || tokenMatches('ab', 'abc') || tokenMatches(undefined, 'abc')).toBe(false);
  });
});
