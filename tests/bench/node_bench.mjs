// The async benchmark's Node.js client (async_bench.py runs it):
// @clerk/backend's users.getUser() with Promise.all over CONCURRENCY
// workers, each awaiting its calls one after the other, so that
// CONCURRENCY calls are in flight at any time.
//
//   node node_bench.mjs API_URL N CONCURRENCY
//
// API_URL is the server root (the SDK appends /v1); the test CA comes in
// through NODE_EXTRA_CA_CERTS.  After one untimed warm-up call, prints
//   calls=N ok=N wall_s=S cpu_s=S rss_kb=K
// (CPU: user + system time of the timed part; RSS: the process's peak).
import { createClerkClient } from '@clerk/backend';

const [apiUrl, nArg, concArg] = process.argv.slice(2);
const n = Number(nArg);
const conc = Number(concArg);
const clerk = createClerkClient({ secretKey: 'sk_test_bench', apiUrl });

await clerk.users.getUser('user_warmup');

let next = 0;
let ok = 0;
async function worker() {
  while (next < n) {
    const i = next++;
    const user = await clerk.users.getUser('user_' + i);
    if (user.id) {
      ok++;
    }
  }
}

const w0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
await Promise.all(Array.from({ length: conc }, worker));
const wall = Number(process.hrtime.bigint() - w0) / 1e9;
const cpu = process.cpuUsage(c0);
const rss = process.resourceUsage().maxRSS;
console.log(`calls=${n} ok=${ok} wall_s=${wall.toFixed(6)} ` +
            `cpu_s=${((cpu.user + cpu.system) / 1e6).toFixed(6)} rss_kb=${rss}`);
process.exit(ok === n ? 0 : 1);
