import type { LookupAddress } from 'node:dns';

import {
  DestinationHostLookupError,
  ForbiddenDestinationHostError,
  isForbiddenAddress,
  resolveDestinationHost,
  type DestinationHostLookup,
} from './ssrf-guard';

// No network in these tests: names other than `localhost` (from /etc/hosts)
// go through a fake lookup.
function fakeLookup(records: LookupAddress[]): jest.MockedFunction<DestinationHostLookup> {
  return jest.fn<Promise<LookupAddress[]>, Parameters<DestinationHostLookup>>(async () => records);
}

function failingLookup(code: string): DestinationHostLookup {
  return async (hostname) => {
    throw Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code, hostname, syscall: 'getaddrinfo' });
  };
}

const PRIVATE_HOSTS: Array<[string, string]> = [
  ['127.0.0.1', 'loopback'],
  ['10.0.0.5', 'private'],
  ['172.16.3.4', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'linkLocal'],
  ['::1', 'loopback'],
  ['fe80::1', 'linkLocal'],
  ['fc00::1', 'uniqueLocal'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['0.0.0.0', 'unspecified'],
  ['100.64.0.1', 'carrierGradeNat'],
];

const PUBLIC_ADDRESSES = ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8'];

describe('isForbiddenAddress', () => {
  it.each(PRIVATE_HOSTS)('forbids %s (%s)', (ip, range) => {
    expect(isForbiddenAddress(ip)).toEqual({ forbidden: true, range });
  });

  it.each([
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['192.0.2.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2002:7f00:1::', '6to4'],
    ['2001::1', 'teredo'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::7f00:1', 'ipv4Compatible'],
    ['4000::1', 'notGlobalUnicast'],
    ['fe80::1%eth0', 'linkLocal'],
    ['2130706433', 'loopback'],
    ['0x7f.1', 'loopback'],
  ])('forbids %s (%s)', (ip, range) => {
    expect(isForbiddenAddress(ip)).toEqual({ forbidden: true, range });
  });

  it.each(['', 'localhost', 'example.com', '1.2.3.4.5', '::g', '[::1]'])('forbids the non-address %p', (value) => {
    expect(isForbiddenAddress(value)).toEqual({ forbidden: true, range: 'invalid' });
  });

  it.each(PUBLIC_ADDRESSES)('allows public unicast %s', (ip) => {
    expect(isForbiddenAddress(ip)).toEqual({ forbidden: false, range: 'unicast' });
  });
});

describe('resolveDestinationHost', () => {
  describe('with allowPrivateHosts false', () => {
    const opts = { allowPrivateHosts: false };

    it.each([...PRIVATE_HOSTS, ['localhost', 'loopback']])('refuses %s (%s)', async (host, range) => {
      const attempt = resolveDestinationHost(host, opts);
      await expect(attempt).rejects.toBeInstanceOf(ForbiddenDestinationHostError);
      await expect(resolveDestinationHost(host, opts)).rejects.toMatchObject({
        name: 'ForbiddenDestinationHostError',
        host,
        range,
        message: expect.stringMatching(
          new RegExp(
            `^destination host "${host.replace(/\./g, '\\.')}" resolves to \\S+ \\(${range}\\), which is not allowed; ` +
              'set PUSHRAIL_ALLOW_PRIVATE_HOSTS=true to allow private and loopback addresses$',
          ),
        ),
      });
    });

    it('refuses a bracketed IPv6 loopback literal', async () => {
      await expect(resolveDestinationHost('[::1]', opts)).rejects.toMatchObject({ address: '::1', range: 'loopback' });
    });

    it.each(PUBLIC_ADDRESSES)('allows the public literal %s without a lookup', async (ip) => {
      const lookup = fakeLookup([]);
      await expect(resolveDestinationHost(ip, { ...opts, lookup })).resolves.toEqual({
        address: ip,
        family: ip.includes(':') ? 6 : 4,
      });
      expect(lookup).not.toHaveBeenCalled();
    });

    it('resolves all addresses, verbatim, and returns the first', async () => {
      const lookup = fakeLookup([
        { address: '2606:4700::1111', family: 6 },
        { address: '8.8.8.8', family: 4 },
      ]);
      await expect(resolveDestinationHost('db.example.com', { ...opts, lookup })).resolves.toEqual({
        address: '2606:4700::1111',
        family: 6,
      });
      expect(lookup).toHaveBeenCalledTimes(1);
      expect(lookup).toHaveBeenCalledWith('db.example.com', { all: true, verbatim: true });
    });

    it.each([
      ['public first', ['8.8.8.8', '10.0.0.5']],
      ['private first', ['10.0.0.5', '8.8.8.8']],
      ['metadata among public', ['8.8.8.8', '1.1.1.1', '169.254.169.254']],
    ])('refuses a name with any forbidden address (%s)', async (_label, addresses) => {
      const lookup = fakeLookup(addresses.map((address) => ({ address, family: 4 })));
      await expect(resolveDestinationHost('rebind.attacker.example', { ...opts, lookup })).rejects.toMatchObject({
        name: 'ForbiddenDestinationHostError',
        host: 'rebind.attacker.example',
        address: addresses.find((a) => a !== '8.8.8.8' && a !== '1.1.1.1'),
      });
    });

    it('takes the family from the address, not from the record', async () => {
      const lookup = fakeLookup([{ address: '8.8.8.8', family: 6 }]);
      await expect(resolveDestinationHost('db.example.com', { ...opts, lookup })).resolves.toEqual({
        address: '8.8.8.8',
        family: 4,
      });
    });
  });

  describe('with allowPrivateHosts true', () => {
    const opts = { allowPrivateHosts: true };

    it.each(PRIVATE_HOSTS)('allows %s (%s)', async (host) => {
      await expect(resolveDestinationHost(host, opts)).resolves.toEqual({
        address: host,
        family: host.includes(':') ? 6 : 4,
      });
    });

    it('allows localhost, resolved to a loopback address', async () => {
      const resolved = await resolveDestinationHost('localhost', opts);
      expect(isForbiddenAddress(resolved.address)).toEqual({ forbidden: true, range: 'loopback' });
      expect(resolved.family).toBe(resolved.address.includes(':') ? 6 : 4);
    });

    it('still resolves names, and still fails when they do not resolve', async () => {
      const lookup = fakeLookup([{ address: '10.1.2.3', family: 4 }]);
      await expect(resolveDestinationHost('db.internal', { ...opts, lookup })).resolves.toEqual({
        address: '10.1.2.3',
        family: 4,
      });
      expect(lookup).toHaveBeenCalledTimes(1);
      await expect(
        resolveDestinationHost('db.internal', { ...opts, lookup: failingLookup('ENOTFOUND') }),
      ).rejects.toBeInstanceOf(DestinationHostLookupError);
    });
  });

  describe('lookup failures', () => {
    it.each(['ENOTFOUND', 'EAI_AGAIN', 'ESERVFAIL'])('wraps %s, keeping the code and the cause', async (code) => {
      const attempt = resolveDestinationHost('db.example.com', { allowPrivateHosts: false, lookup: failingLookup(code) });
      await expect(attempt).rejects.toBeInstanceOf(DestinationHostLookupError);
      const error = (await attempt.catch((e: unknown) => e)) as DestinationHostLookupError;
      expect(error.name).toBe('DestinationHostLookupError');
      expect(error.code).toBe(code);
      expect(error.host).toBe('db.example.com');
      expect(error.message).toBe(`destination host "db.example.com" could not be resolved (${code})`);
      expect((error.cause as { code?: string }).code).toBe(code);
    });

    it('keeps an undefined code when the resolver gives none', async () => {
      const lookup: DestinationHostLookup = async () => {
        throw new Error('boom');
      };
      await expect(resolveDestinationHost('db.example.com', { allowPrivateHosts: false, lookup })).rejects.toMatchObject({
        name: 'DestinationHostLookupError',
        code: undefined,
      });
    });

    it('treats an empty answer as ENOTFOUND', async () => {
      await expect(
        resolveDestinationHost('db.example.com', { allowPrivateHosts: true, lookup: fakeLookup([]) }),
      ).rejects.toMatchObject({ name: 'DestinationHostLookupError', code: 'ENOTFOUND' });
    });

    it('treats an empty host as ENOTFOUND without a lookup', async () => {
      const lookup = fakeLookup([{ address: '8.8.8.8', family: 4 }]);
      await expect(resolveDestinationHost('', { allowPrivateHosts: true, lookup })).rejects.toMatchObject({
        name: 'DestinationHostLookupError',
        code: 'ENOTFOUND',
      });
      expect(lookup).not.toHaveBeenCalled();
    });

    it('rejects a lookup answer that is not an IP address', async () => {
      const lookup = fakeLookup([{ address: 'not-an-ip', family: 4 }]);
      await expect(resolveDestinationHost('db.example.com', { allowPrivateHosts: true, lookup })).rejects.toMatchObject({
        name: 'DestinationHostLookupError',
        code: 'EBADRESP',
      });
    });
  });
});
