// A stand-in Lyceum process for the embedded-services tests: provides Postgres and Redis under
// the data directory given as argv[2], prints the result as one JSON line, and stops them on
// SIGTERM. Killing it with SIGKILL leaves the servers running, as a crashed process would.
import { provideServices } from '../../scripts/embedded/services.ts';

const quiet = { info: () => {}, warn: () => {} };
const services = await provideServices({ dataDir: process.argv[2] ?? '.data-test' }, quiet);
process.stdout.write(`${JSON.stringify({ databaseUrl: services.databaseUrl, redisUrl: services.redisUrl, owner: services.owner })}\n`);
process.on('SIGTERM', () => {
  void services.stop().then(() => process.exit(0));
});
setInterval(() => {}, 1 << 30);
