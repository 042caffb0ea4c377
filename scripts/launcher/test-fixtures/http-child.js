// A stand-in service for the launcher tests: answers every request on 127.0.0.1:HTTP_PORT with its
// name and pid, so a test can tell a restarted process (new pid) from one that kept running.
const http = require('node:http');

const name = process.env.CHILD_NAME;
const port = Number(process.env.HTTP_PORT);
const server = http.createServer((_request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ name, pid: process.pid }));
});
server.listen(port, '127.0.0.1', () => console.log(`${name} listening on ${port} (pid ${process.pid})`));
// Like the real services: stop at once on SIGTERM.
process.on('SIGTERM', () => process.exit(0));
