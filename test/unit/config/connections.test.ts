import assert from 'node:assert/strict';
import { withFile } from './config-file';
import { ConfigError, loadConfig, resolveConnections } from '../../../src/config';
import { replyDeadlines } from '../../../src/jobs/reply-deadlines';

// SMSC connections from SMPP_URL or smpp.connections, each with its own settings.


describe('configuration: SMSC connections', () => {
  it('one connection per URL of SMPP_URL, all with the shared settings', () => {
    const c = loadConfig({ SMPP_URL: 'smpp://a.example:2775, smpps://b.example:3550', SMPP_SYSTEM_ID: 'acct', SMPP_TLS_CA: '/etc/ca.pem' });
    const cs = resolveConnections(c);
    assert.deepEqual(cs.map((x) => [x.name, x.host, x.port, x.tls, x.systemId]), [
      ['smsc1', 'a.example', 2775, false, 'acct'],
      ['smsc2', 'b.example', 3550, true, 'acct'],
    ]);
    assert.equal(cs[1].tlsCaFile, '/etc/ca.pem');
    assert.equal(cs[0].idScope, 'acct@a.example');
    assert.equal(cs[0].sourceAddr, '20555', 'the service number is the default sender');
  });

  it('smpp.connections: each its own credentials, bind, coding, id formats and routes', () => {
    const env = withFile({
      smpp: {
        connections: [
          { name: 'carrier-a', url: 'smpps://smsc.a:3550', systemId: 'a', password: 'pa', window: 4, routes: ['2547'], messageIdFormat: 'hex', receiptTextIdFormat: 'decimal' },
          { name: 'carrier-b', url: 'smpp://smsc.b:2775', bindMode: 'receiver+transmitter', defaultAlphabet: 'latin1', imsiEncoding: 'tbcd', addrTon: 1, addrNpi: 1, addressRange: '^20555$', sourceAddr: 'SIMPAIR', sourceTon: 5, sourceNpi: 0 },
        ],
      },
    });
    const [a, b] = resolveConnections(loadConfig(env));
    assert.equal(a.name, 'carrier-a');
    assert.equal(a.window, 4);
    assert.deepEqual(a.routes, ['2547']);
    assert.deepEqual([a.messageIdFormat, a.receiptTextIdFormat], ['hex', 'decimal']);
    assert.equal(b.bindMode, 'receiver+transmitter');
    assert.equal(b.defaultAlphabet, 'latin1');
    assert.equal(b.imsiEncoding, 'tbcd');
    assert.deepEqual([b.addrTon, b.addrNpi, b.addressRange], [1, 1, '^20555$']);
    assert.deepEqual([b.sourceAddr, b.sourceTon], ['SIMPAIR', 5]);
    assert.equal(b.window, 10, 'defaults from smpp.*');
    assert.equal(b.systemId, 'simpair');
  });

  it('refuses a bad URL in the list, an alphanumeric sender without TON 5, and twice the same name', () => {
    assert.throws(() => loadConfig({ SMPP_URL: 'smpp://a:2775,http://b:80' }), (e: unknown) => e instanceof ConfigError && /SMPP_URL/.test(e.message));
    assert.throws(
      () => loadConfig(withFile({ smpp: { connections: [{ url: 'smpp://a:1', sourceAddr: 'SIMPAIR' }] } })),
      (e: unknown) => e instanceof ConfigError && /smpp\.connections\[0\]\.sourceAddr/.test(e.message) && /sourceTon 5/.test(e.message),
    );
    assert.throws(
      () => loadConfig(withFile({ smpp: { connections: [{ name: 'x', url: 'smpp://a:1' }, { name: 'x', url: 'smpp://b:1' }] } })),
      (e: unknown) => e instanceof ConfigError && /"x" is used twice/.test(e.message),
    );
    assert.throws(
      () => loadConfig(withFile({ smpp: { connections: [{ url: 'smpp://a:1', messageIdFormat: 'octal' }] } })),
      (e: unknown) => e instanceof ConfigError && /smpp\.connections\.0\.messageIdFormat/.test(e.message),
    );
  });

  it('reply deadlines: the code lasts the payment window, receipts a day, configured kinds as configured', () => {
    const deadline = replyDeadlines(loadConfig({ PAYMENT_WINDOW_SECONDS: '90' }));
    assert.equal(deadline('code_issued'), 90_000);
    assert.equal(deadline('device_waiting'), 90_000);
    assert.equal(deadline('paid'), 86_400_000);
    assert.equal(deadline('help'), 3_600_000);
    const custom = replyDeadlines(loadConfig(withFile({ replies: { deadlineSeconds: { default: 600, code_issued: 30 } } })));
    assert.equal(custom('code_issued'), 30_000);
    assert.equal(custom('paid'), 600_000);
  });
});
