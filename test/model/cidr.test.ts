import fc from 'fast-check';
import { allocateCidrAmong, contains, formatCidr, parseCidr, reachesInternet, rfc1918Range, type Cidr } from '../../lib/model/cidr';

describe('CIDR blocks are read strictly', () => {
  test.each([
    ['10.0.1.0/24', { base: 0x0a000100, prefix: 24, size: 256 }],
    ['0.0.0.0/0', { base: 0, prefix: 0, size: 2 ** 32 }],
    ['192.0.2.7/32', { base: 0xc0000207, prefix: 32, size: 1 }],
  ])('accepts the canonical block %s', (text, cidr) => {
    expect(parseCidr(text)).toEqual(cidr);
  });

  test.each([
    ['010.10.0.0/24', "writes '010' with a leading zero, which some tools read as octal and others as decimal. Write it without leading zeros: '10.10.0.0/24'"],
    ['10.0.01.0/24', "writes '01' with a leading zero"],
    ['10.0.1.0/024', "writes '024' with a leading zero"],
    ['10.0.1.0/08', "Write it without leading zeros: '10.0.1.0/8'"],
    [' 10.0.1.0/24', "has spaces around it. Write the block alone: '10.0.1.0/24'"],
    ['10.0.1.0/24\n', 'has spaces around it'],
    ['fd00::/64', 'is an IPv6 block; xos networks are IPv4-only'],
    ['2001:db8::/32', 'Give the Network an IPv4 block (for example 10.0.1.0/24)'],
    ['1000.0.0.0/8', 'each octet is 0 to 255 written in at most three digits'],
    ['10.0.0.300/24', 'has an octet above 255'],
    ['10.0.0.0/33', 'has a prefix length above 32'],
    ['10.0.0.1/24', 'has host bits set (the block starts at 10.0.0.0/24)'],
    ['10.0.0.0', 'is not a CIDR block (expected a.b.c.d/n'],
  ])('refuses %j with the reason and the fix', (text, reason) => {
    expect(parseCidr(text)).toEqual(expect.stringContaining(reason));
  });

  test('every block it accepts prints back as it was written (what reaches Terraform is canonical)', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(32)), ([a, b, c, d, p]) => {
        const text = `${a}.${b}.${c}.${d}/${p}`;
        const parsed = parseCidr(text);
        if (typeof parsed !== 'string') expect(formatCidr(parsed)).toBe(text);
        else expect(parsed).toContain('host bits');
      }),
    );
  });
});

describe('address ranges', () => {
  const c = (s: string) => parseCidr(s) as Cidr;
  test('the Internet is every address outside the private, shared, loopback, link-local and reserved ranges', () => {
    expect(reachesInternet(c('0.0.0.0/0'))).toBe(true);
    expect(reachesInternet(c('198.51.100.0/24'))).toBe(true);
    expect(reachesInternet(c('10.0.0.0/8'))).toBe(false);
    expect(reachesInternet(c('172.16.5.0/24'))).toBe(false);
    expect(reachesInternet(c('100.64.0.0/10'))).toBe(false);
    // A block that straddles private and public space reaches the Internet in part.
    expect(reachesInternet(c('172.0.0.0/8'))).toBe(true);
  });

  test('RFC 1918 ranges', () => {
    expect(rfc1918Range(c('10.1.2.0/24'))).toBe('10.0.0.0/8');
    expect(rfc1918Range(c('172.31.0.0/16'))).toBe('172.16.0.0/12');
    expect(rfc1918Range(c('192.0.2.0/24'))).toBeUndefined();
    expect(contains(c('10.0.0.0/8'), c('10.9.0.0/16'))).toBe(true);
  });

  test('a derived block is a free /24 of 172.16.0.0/12, or none when the pool is full', () => {
    expect(allocateCidrAmong('t/network', [])).toMatch(/^172\.(1[6-9]|2\d|3[01])\.\d+\.0\/24$/);
    expect(allocateCidrAmong('t/network', [c('172.16.0.0/12')])).toBeUndefined();
  });
});
