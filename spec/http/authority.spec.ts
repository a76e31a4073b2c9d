import { isAuthority } from '../../src/http/authority';

const ACCEPTED = [
  'example.com',
  'EXAMPLE.com',
  'api.example.com.',
  'localhost',
  'a-b_c~d.example',
  'example.com:8080',
  'example.com:1',
  'example.com:65535',
  '127.0.0.1',
  '127.0.0.1:3000',
  '10.255.0.1',
  '[::1]',
  '[::1]:8080',
  '[2001:db8::7]:443',
  'v1.example',
  '1a.example.com',
];

const REFUSED: [string, string][] = [
  ['an empty value', ''],
  ['a comma-separated list', 'a.example, b.example'],
  ['a list without space', 'a.example,b.example'],
  ['userinfo', 'user@example.com'],
  ['userinfo with a password', 'user:pw@example.com'],
  ['a path', 'example.com/evil'],
  ['a query', 'example.com?x'],
  ['a fragment', 'example.com#x'],
  ['a backslash', 'example.com\\evil'],
  ['a space', 'example .com'],
  ['percent-escapes', 'ex%61mple.com'],
  ['a sub-delim', 'example.com;x'],
  ['a shortened IPv4 address', '127.1'],
  ['a hexadecimal IPv4 label', '0x7f.0.0.1'],
  ['a hexadecimal last label', '127.0.0.0x1'],
  ['a decimal IPv4 as one number', '2130706433'],
  ['an octet over 255', '256.0.0.1'],
  ['a leading zero in an octet', '127.0.0.01'],
  ['five octets', '1.2.3.4.5'],
  ['a numeric last label', 'example.123'],
  ['an empty port', 'example.com:'],
  ['port 0', 'example.com:0'],
  ['a port over 65535', 'example.com:65536'],
  ['a port with a leading zero', 'example.com:080'],
  ['a port with a sign', 'example.com:+80'],
  ['two ports', 'example.com:80:80'],
  ['an IPv6 literal without brackets', '::1'],
  ['an invalid IPv6 literal', '[::g]'],
  ['an IPv6 zone identifier', '[fe80::1%25eth0]'],
  ['an IPvFuture literal', '[v1.x]'],
  ['an unclosed bracket', '[::1'],
  ['non-ASCII', 'exämple.com'],
];

describe('isAuthority (RFC 3986 §3.2, as a Host value)', () => {
  it.each(ACCEPTED)('accepts %j', (value) => {
    expect(isAuthority(value)).toBe(true);
  });

  it.each(REFUSED)('refuses %s: %j', (_case, value) => {
    expect(isAuthority(value)).toBe(false);
  });

  it('answers every value alike whatever value it answered before (it remembers the last valid one)', () => {
    for (const accepted of ACCEPTED) {
      for (const [, refused] of REFUSED) {
        expect([isAuthority(accepted), isAuthority(refused), isAuthority(refused), isAuthority(accepted)]).toEqual([
          true,
          false,
          false,
          true,
        ]);
      }
    }
  });
});
