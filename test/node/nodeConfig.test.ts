/**
 * `npm run node -- --config file.json` with bad files: the process stops at once with a message that
 * names the file and the setting. (A good config file starts the late node of `network.test.ts`.)
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { LuxError } from "../../node/errors";
import { buildCommand, readFlags } from "../../node/cli/options";
import { NODE_V8_FLAGS, ROOT, tempDataDir } from "./helpers";

const ENTRY = path.join(ROOT, "node/cli/node.ts");

/** Runs the node CLI with a config file holding `content`; resolves with its exit code and output. */
function runWithConfig(content: string): Promise<{ code: number | null; out: string; file: string }> {
  const dir = tempDataDir("cfg");
  const file = path.join(dir, "node.json");
  fs.writeFileSync(file, content);
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...NODE_V8_FLAGS, "-r", "ts-node/register/transpile-only", ENTRY, "--port", "0", "--data-dir", path.join(dir, "data"), "--config", file], {
      cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" }, stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`the node did not stop within 120 s:\n${out}`));
    }, 120_000);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out, file });
    });
  });
}

/** Parses `--config <file with content>` plus `extra` flags the way `npm run node` does; returns the error. */
function configError(content: string, extra: string[] = []): { error: unknown; file: string } {
  const file = path.join(tempDataDir("cfg"), "node.json");
  fs.writeFileSync(file, content);
  const cmd = buildCommand("luxtensor-node", "test", false);
  cmd.parse(["node", "node.ts", "--config", file, ...extra]);
  try {
    readFlags(cmd);
    return { error: undefined, file };
  } catch (error) {
    return { error, file };
  }
}

describe("node: a bad --config file stops the node with a clear error", function () {
  this.timeout(180_000);

  it("refuses an unknown setting, a value of the wrong type, a switch that is not a boolean and a file that is not a JSON object", () => {
    const cases: [string, RegExp][] = [
      ['{"slotTim": 1000}', /unknown setting "slotTim" \(settings are the flags in camelCase: .*slotTime/],
      ['{"slotTime": "fast"}', /setting "slotTime" \(--slot-time <ms>\) not a non-negative integer: fast/],
      ['{"slotTime": -5}', /setting "slotTime" \(--slot-time <ms>\) not a non-negative integer: -5/],
      ['{"devMode": "no"}', /setting "devMode" \(--no-dev-mode\) must be true or false, got "no"/],
      ['{"peer": [{"ip": "10.0.0.1"}]}', /setting "peer" \(--peer <multiaddr>\) must be a string or a list of strings/],
      ['{"config": "other.json"}', /unknown setting "config"/],
      ["[1, 2]", /must hold a JSON object/],
      ["{not json", /cannot read config file .*JSON/],
    ];
    for (const [content, re] of cases) {
      const { error, file } = configError(content);
      expect(error, content).to.be.instanceOf(LuxError);
      expect((error as LuxError).code).to.equal("P2P_CONFIG");
      expect((error as LuxError).message, content).to.match(re);
      expect((error as LuxError).message).to.include(file);
    }
  });

  it("takes good values from the file (a peer list, numbers, switches), and lets command-line flags win", () => {
    const file = path.join(tempDataDir("cfg"), "node.json");
    fs.writeFileSync(file, JSON.stringify({ slotTime: 1500, devMode: false, peer: ["/ip4/10.0.0.1/tcp/9000/p2p/a", "/ip4/10.0.0.2/tcp/9000/p2p/b"], genesisValidators: "4", p2pPort: 9001 }));
    const cmd = buildCommand("luxtensor-node", "test", false);
    cmd.parse(["node", "node.ts", "--config", file, "--p2p-port", "9005"]);
    const f = readFlags(cmd);
    expect(f.slotTime).to.equal(1500);
    expect(f.devMode).to.equal(false);
    expect(f.peer).to.deep.equal(["/ip4/10.0.0.1/tcp/9000/p2p/a", "/ip4/10.0.0.2/tcp/9000/p2p/b"]);
    expect(f.genesisValidators).to.equal(4);
    expect(f.p2pPort).to.equal(9005);
    // The file's bad value is never parsed when the flag is given.
    expect(configError('{"slotTime": "fast"}', ["--slot-time", "1000"]).error).to.equal(undefined);
  });

  it("a spawned `node` with a bad file exits 1 at once, printing the reason", async () => {
    const r = await runWithConfig('{"slotTime": "fast"}');
    expect(r.code, r.out).to.equal(1);
    expect(r.out).to.include(`fatal: config file ${r.file}: setting "slotTime" (--slot-time <ms>) not a non-negative integer: fast`);
    expect(r.out).to.not.match(/Listening on/);
  });
});
