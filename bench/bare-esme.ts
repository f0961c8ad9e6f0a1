// A bare ESME for the raw SMPP ceiling (benchmark step 1): a plain node-smpp client in its own
// process that binds as a transceiver and answers every deliver_sm with deliver_sm_resp (ESME_ROK)
// at once. No Redis, no parsing beyond what node-smpp does, no window, no enquire_link of its own.
//
//   node --import tsx bench/bare-esme.ts smpp://127.0.0.1:2775 simpair secret
//
// Prints "bare-esme bound" once bound. SIGUSR1 unbinds (and prints "bare-esme unbound"), SIGUSR2
// binds again, so the benchmark can alternate it with the gateway; SIGTERM unbinds and exits 0.
import * as smpp from 'smpp';

const [url, systemId, password] = process.argv.slice(2);
if (!url || !systemId) {
  process.stderr.write('usage: bare-esme.ts smpp://host:port system_id password\n');
  process.exit(2);
}

// The simulator may still be starting: retry the connection for a while.
let session: smpp.Session;
let answered = 0;
let deadline = Date.now() + 20_000;
let parked = false;
// While parked (unbound) there is no socket: keep the process alive for the next SIGUSR2.
setInterval(() => undefined, 60_000);

function start(): void {
  session = smpp.connect({ url, connectTimeout: 5000 });
  session.on('connect', onConnect);
  session.on('pdu', onPdu);
  session.on('error', (err: Error & { code?: string }) => {
    if (err.code === 'ECONNREFUSED' && Date.now() < deadline) {
      session.destroy();
      setTimeout(start, 100);
      return;
    }
    process.stderr.write(`bare-esme: ${err.message}\n`);
    process.exit(1);
  });
}
start();

function onConnect(): void {
  const mine = session;
  mine.on('close', () => {
    if (!parked && mine === session) {
      process.stdout.write('bare-esme: connection closed\n');
      process.exit(0);
    }
  });
  session.send(new smpp.PDU('bind_transceiver', { system_id: systemId, password: password ?? '', interface_version: 0x34 }), (resp) => {
    if (resp.command_status !== 0) {
      process.stderr.write(`bare-esme: bind refused (status ${resp.command_status})\n`);
      process.exit(1);
    }
    process.stdout.write('bare-esme bound\n');
  });
}

function onPdu(pdu: smpp.PDU): void {
  if (pdu.isResponse()) return;
  if (pdu.command === 'deliver_sm') {
    answered++;
    session.send(pdu.response());
  } else if (pdu.command === 'enquire_link') {
    session.send(pdu.response());
  } else if (pdu.command === 'unbind') {
    session.send(pdu.response());
    setTimeout(() => process.exit(0), 50);
  } else {
    session.send(pdu.response({ command_status: 0x03 })); // ESME_RINVCMDID
  }
}

process.on('SIGUSR1', () => {
  parked = true;
  const closed = (): void => {
    session.destroy();
    process.stdout.write('bare-esme unbound\n');
  };
  const t = setTimeout(closed, 1000);
  session.send(new smpp.PDU('unbind', {}), () => {
    clearTimeout(t);
    closed();
  });
});

process.on('SIGUSR2', () => {
  parked = false;
  deadline = Date.now() + 20_000;
  start();
});

process.on('SIGTERM', () => {
  process.stdout.write(`bare-esme answered ${answered}\n`);
  const done = setTimeout(() => process.exit(0), 1000);
  session.send(new smpp.PDU('unbind', {}), () => {
    clearTimeout(done);
    process.exit(0);
  });
});
