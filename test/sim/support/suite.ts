import { startSimulatorProcess, type SimulatorProcess } from '../../../smsc-sim/harness';
import { bound, type Esme } from './esme';
import { httpClient, type HttpClient } from '../../support/http';
import { waitFor } from '../../support/wait';

export interface SimulatorSuite {
  sim(): SimulatorProcess;
  api(): HttpClient;
  /** A bound test ESME (on smppPort unless `port` is given), destroyed after the test. */
  connect(opts?: Parameters<typeof bound>[1] & { port?: number }): Promise<Esme>;
  /** Keeps an ESME opened some other way, so that it is destroyed after the test too. */
  track(esme: Esme): Esme;
}

/**
 * The hooks every simulator test file needs: one simulator process per file (with `env`), a reset
 * before each test, and every ESME a test opened closed (and seen closed) after it.
 */
export function simulatorSuite(env: Record<string, string>): SimulatorSuite {
  let sim: SimulatorProcess;
  const open: Esme[] = [];
  const api = () => httpClient(sim.baseUrl);
  before(async () => {
    sim = await startSimulatorProcess({ env });
  });
  beforeEach(async () => {
    await api().post('/reset');
  });
  afterEach(async () => {
    for (const e of open.splice(0)) e.destroy();
    await waitFor('sessions to close', async () => ((await api().get('/sessions')).length === 0 ? true : undefined));
  });
  after(async () => {
    await sim?.stop();
  });
  return {
    sim: () => sim,
    api,
    async connect(opts) {
      const e = await bound(opts?.port ?? sim.smppPort, opts);
      open.push(e);
      return e;
    },
    track(e) {
      open.push(e);
      return e;
    },
  };
}
