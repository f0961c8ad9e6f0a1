// The HTTP side of the Kannel comparison (bench/kannel.ts): stands in for the application Kannel's
// smsbox calls for every MO (its sms-service get-url). Answers every request at once with an empty
// 200 (so smsbox sends no reply SMS) and counts them; GET /count returns the count. Its own process,
// so its CPU is measured apart from the bench's.
//
//   node --import tsx bench/http-sink.ts <port>      prints "http-sink ready <port>"
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
let hits = 0;
const server = http.createServer((req, res) => {
  if (req.url === '/count') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ hits }));
    return;
  }
  hits++;
  res.end('');
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`http-sink ready ${typeof a === 'object' && a ? a.port : port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
