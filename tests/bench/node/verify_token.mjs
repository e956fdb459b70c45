// The @clerk/backend contender of the session-token benchmark
// (tests/bench/auth_harness.py): verifyToken(token, { jwtKey, ... }) as a
// Node.js backend calls it for each request, one after the other.
//
//   node verify_token.mjs KEY.pem TOKEN.jwt AZP N
//
// First checks that the token is accepted and that the same token with one
// signature character changed is refused (exit 1 otherwise), then times
// N verifications after min(N, 1000) untimed ones (so the JIT has warmed
// up) and prints, per verification:
//
//   contender=node verifications=N cpu_us=.. user_us=.. sys_us=.. wall_us=..
//
// CPU time is process.cpuUsage(): every thread of the process, including
// the libuv pool where WebCrypto runs.  @clerk/backend has no clock
// option; the token is minted valid for a year, so its exp, nbf and iat
// checks pass against the system clock like those of the C contenders
// against their fixed "now".
import { readFileSync } from "node:fs";
import process from "node:process";
import { verifyToken } from "@clerk/backend";

const [keyPath, tokenPath, azp, nText] = process.argv.slice(2);
const n = Number.parseInt(nText ?? "", 10);
if (!keyPath || !tokenPath || !azp || !Number.isInteger(n) || n < 1) {
  process.stderr.write("usage: node verify_token.mjs KEY.pem TOKEN.jwt AZP N\n");
  process.exit(2);
}
const jwtKey = readFileSync(keyPath, "utf8");
const token = readFileSync(tokenPath, "utf8").trim();
const options = { jwtKey, authorizedParties: [azp] };

// verifyToken resolves to the payload, or rejects with a
// TokenVerificationError whose `reason` says why.
async function reasonOf(t) {
  try {
    await verifyToken(t, options);
    return "ok";
  } catch (err) {
    return err.reason ?? String(err);
  }
}

async function selfCheck() {
  const claims = await verifyToken(token, options).catch((err) => {
    throw new Error(`@clerk/backend refuses the token: ${err.reason ?? err}`);
  });
  if (typeof claims.sub !== "string") {
    throw new Error("@clerk/backend returned no sub");
  }
  const at = token.length - 100; // inside the signature
  const bad = token.slice(0, at) + (token[at] === "A" ? "B" : "A") +
    token.slice(at + 1);
  const reason = await reasonOf(bad);
  if (reason !== "token-invalid-signature") {
    throw new Error(`@clerk/backend: a bad signature gives ${reason}`);
  }
}

async function loop(count) {
  let accepted = 0;
  for (let i = 0; i < count; i++) {
    const claims = await verifyToken(token, options);
    if (typeof claims.sub === "string") {
      accepted++;
    }
  }
  return accepted;
}

try {
  await selfCheck();
  await loop(Math.min(n, 1000));
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  const accepted = await loop(n);
  const wall = Number(process.hrtime.bigint() - wall0) / 1e3;
  const cpu = process.cpuUsage(cpu0);
  if (accepted !== n) {
    throw new Error(`${n - accepted} of ${n} verifications failed`);
  }
  const per = (us) => (us / n).toFixed(3);
  process.stdout.write(
    `contender=node verifications=${n} cpu_us=${per(cpu.user + cpu.system)} ` +
    `user_us=${per(cpu.user)} sys_us=${per(cpu.system)} ` +
    `wall_us=${per(wall)}\n`);
} catch (err) {
  process.stderr.write(`verify_token.mjs: ${err.message}\n`);
  process.exit(1);
}
