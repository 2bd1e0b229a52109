import { requestIdFrom } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it('takes a sane id as it is', () => {
    for (const id of ['req_4f30b2', '0190a1b2-c3d4-7e5f-8a9b-000000000001', '01HZX3K5W4Q9', 'Root=1-5759e988-bd862e3fe1be46a994272793', 'a'.repeat(128)]) {
      expect(requestIdFrom(id)).toBe(id);
    }
  });

  it('makes a fresh UUID for a missing, empty, long or hostile id, and for several', () => {
    for (const header of [undefined, '', 'a'.repeat(129), 'two words', 'line\nbreak', '<script>', '"quoted"', 'ünïcode', ['a', 'b']]) {
      expect(requestIdFrom(header)).toMatch(UUID);
    }
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});
