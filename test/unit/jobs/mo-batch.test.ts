import assert from 'node:assert/strict';
import { UnrecoverableError } from 'bullmq';
import pino from 'pino';
import { processMoBatch } from '../../../src/jobs/mo';
import type { MoMessage } from '../../../src/queues';

const mo = (id: string, source: string): MoMessage => ({ id, source, sourceTon: 1, sourceNpi: 1, destination: '20555', text: 'BAL', dataCoding: 0, receivedAt: 0, gateway: 'gw' });
const log = pino({ level: 'silent' });

describe('a group-committed MO job', () => {
  it('runs each sender’s MOs in the order they came, and different senders side by side', async () => {
    const events: string[] = [];
    let inFlight = 0;
    let most = 0;
    const one = async (m: MoMessage) => {
      inFlight++;
      most = Math.max(most, inFlight);
      events.push(`start ${m.id}`);
      await new Promise((r) => setImmediate(r));
      events.push(`end ${m.id}`);
      inFlight--;
      return 'ok';
    };
    await processMoBatch([mo('a1', 'A'), mo('b1', 'B'), mo('a2', 'A'), mo('b2', 'B')], one, log);
    assert.ok(events.indexOf('end a1') < events.indexOf('start a2'), 'A in order');
    assert.ok(events.indexOf('end b1') < events.indexOf('start b2'), 'B in order');
    assert.equal(most, 2, 'A and B at the same time');
  });

  it('fails the job when an MO failed (after the other senders ran); that sender’s later MOs wait for the retry', async () => {
    const ran: string[] = [];
    const one = async (m: MoMessage) => {
      ran.push(m.id);
      if (m.id === 'a1') throw new Error('redis hiccup');
      return 'ok';
    };
    await assert.rejects(processMoBatch([mo('a1', 'A'), mo('a2', 'A'), mo('b1', 'B')], one, log), /1 of 3 MOs failed \(first: redis hiccup\)/);
    assert.deepEqual(ran.sort(), ['a1', 'b1']);
  });

  it('gives up an MO that can never be processed alone, without failing the others', async () => {
    const ran: string[] = [];
    const one = async (m: MoMessage) => {
      ran.push(m.id);
      if (m.id === 'a1') throw new UnrecoverableError('subscriber gone');
      return 'ok';
    };
    assert.equal(await processMoBatch([mo('a1', 'A'), mo('a2', 'A'), mo('b1', 'B')], one, log), '3 MOs');
    assert.deepEqual(ran.sort(), ['a1', 'a2', 'b1']);
  });
});
