// A listener on 127.0.0.1 that stands where a hostile .env points RESEND_BASE_URL: it answers
// every request 503 and counts it. CI asserts the count is 0, i.e. no test sent anything through
// a developer's settings. Writes its URL to argv[2] and each request's line to argv[3].
import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [urlFile, logFile] = process.argv.slice(2);
writeFileSync(logFile, '');
const server = createServer((req, res) => {
  appendFileSync(logFile, `${req.method} ${req.url}\n`);
  res.writeHead(503).end();
});
server.listen(0, '127.0.0.1', () => {
  writeFileSync(urlFile, `http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
