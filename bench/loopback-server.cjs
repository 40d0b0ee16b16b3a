// A provider stand-in for the engine benchmark, in its own process (as a real API would
// be): answers every GET with a small JSON body after LATENCY_MS, on 127.0.0.1 only.
// Prints its port on stdout, counts requests, and exits when its parent goes away.
const http = require('node:http');

const latency = Number(process.env.LATENCY_MS || 0);
let requests = 0;
const server = http.createServer((req, res) => {
  requests++;
  const answer = () => {
    const id = Number(new URL(req.url, 'http://x').searchParams.get('id'));
    const body = JSON.stringify({ data: { size: id * 10, name: `Company ${id}` } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  if (latency > 0) setTimeout(answer, latency);
  else answer();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('message', (m) => {
  if (m === 'count') process.send({ requests });
});
process.on('disconnect', () => process.exit(0));
