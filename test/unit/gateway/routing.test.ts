import assert from 'node:assert/strict';
import { chooseConnection, type Routable } from '../../../src/gateway/connection';

// Which connection carries a reply: the one its sender came in on while it can transmit, else the
// best route prefix, the least busy among equals.

const conn = (name: string, opts: { up?: boolean; outstanding?: number; routes?: string[] } = {}): Routable => ({
  name,
  transmitter: () => (opts.up === false ? null : { outstanding: opts.outstanding ?? 0 }),
  serves: (d) => {
    const routes = opts.routes ?? [];
    if (!routes.length) return 0;
    return Math.max(-1, ...routes.filter((p) => d.startsWith(p)).map((p) => p.length));
  },
});

describe('gateway/routing', () => {
  it('prefers the connection the sender came in on while it can transmit', () => {
    const cs = [conn('a', { outstanding: 0 }), conn('b', { outstanding: 9 })];
    assert.equal(chooseConnection(cs, '254700000001', 'b')?.name, 'b');
  });

  it('falls back to another connection when that one is down', () => {
    const cs = [conn('a', { up: false }), conn('b')];
    assert.equal(chooseConnection(cs, '254700000001', 'a')?.name, 'b');
  });

  it('routes by the longest matching destination prefix; unrouted connections serve any', () => {
    const cs = [conn('any'), conn('ke', { routes: ['254'] }), conn('ke7', { routes: ['2547'] }), conn('ug', { routes: ['256'] })];
    assert.equal(chooseConnection(cs, '254712345678')?.name, 'ke7');
    assert.equal(chooseConnection(cs, '254112345678')?.name, 'ke');
    assert.equal(chooseConnection(cs, '256712345678')?.name, 'ug');
    assert.equal(chooseConnection(cs, '255712345678')?.name, 'any');
  });

  it('never uses a connection whose routes exclude the destination, even as the sender’s', () => {
    const cs = [conn('ug', { routes: ['256'] })];
    assert.equal(chooseConnection(cs, '254712345678', 'ug'), null);
  });

  it('takes the least busy among equals, and null when none can transmit', () => {
    assert.equal(chooseConnection([conn('a', { outstanding: 5 }), conn('b', { outstanding: 2 }), conn('c', { outstanding: 7 })], '254700000001')?.name, 'b');
    assert.equal(chooseConnection([conn('a', { up: false }), conn('b', { up: false })], '254700000001'), null);
  });
});
