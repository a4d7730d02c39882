/**
 * The node's dashboard routes (node/rpc/static.ts): the built page and its assets, the deployment
 * record and the runner's reward trees read-only — and nothing else: path tricks, names that are not
 * tree files and a missing build get clear 404/503 answers. Then the CLI flag wires it into a node.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect } from "chai";
import { dashboardRoute } from "../../node/rpc/static";
import { startNode, tempDataDir, type SpawnedNode } from "./helpers";

const CHAIN_ID = 8898n;
const DISTRIBUTOR = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const ROOT_HEX = `0x${"ab".repeat(32)}`;

async function get(base: string, p: string): Promise<{ status: number; type: string; body: string; location?: string }> {
  const res = await fetch(`${base}${p}`, { redirect: "manual" });
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.text(), location: res.headers.get("location") ?? undefined };
}

describe("node: dashboard routes", function () {
  this.timeout(120_000);
  const webDir = tempDataDir("web-dist");
  const deploymentsDir = tempDataDir("web-deps");
  const rewardsDir = tempDataDir("web-rewards");
  let server: http.Server;
  let base = "";

  before(async () => {
    fs.mkdirSync(path.join(webDir, "assets"));
    fs.writeFileSync(path.join(webDir, "index.html"), "<!doctype html><title>dash</title>");
    fs.writeFileSync(path.join(webDir, "assets", "index-abc.js"), "console.log(1)");
    fs.writeFileSync(path.join(deploymentsDir, `${CHAIN_ID}.json`), JSON.stringify({ chainId: 8898, contracts: { RewardDistributor: DISTRIBUTOR } }));
    fs.writeFileSync(path.join(deploymentsDir, "secret.txt"), "not for the web");
    const trees = path.join(rewardsDir, `${CHAIN_ID}-${DISTRIBUTOR.toLowerCase()}`, "trees");
    fs.mkdirSync(trees, { recursive: true });
    fs.writeFileSync(path.join(trees, `epoch-3-${ROOT_HEX}.json`), JSON.stringify({ epoch: "3" }));
    fs.writeFileSync(path.join(trees, `epoch-12-${ROOT_HEX}.json`), JSON.stringify({ epoch: "12" }));
    fs.writeFileSync(path.join(trees, "notes.json"), "{}");
    const route = dashboardRoute({ webDir, deploymentsDir, rewardsDir }, CHAIN_ID);
    server = http.createServer((req, res) => {
      if (!route(req, res)) {
        res.writeHead(418);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((r) => server.close(() => r())));

  it("serves the page, its assets with long caching, and redirects /dashboard", async () => {
    const index = await get(base, "/dashboard/");
    expect(index.status).to.equal(200);
    expect(index.type).to.contain("text/html");
    expect(index.body).to.contain("<title>dash</title>");
    const js = await get(base, "/dashboard/assets/index-abc.js");
    expect(js.status).to.equal(200);
    expect(js.type).to.contain("text/javascript");
    const redirect = await get(base, "/dashboard");
    expect(redirect.status).to.equal(302);
    expect(redirect.location).to.equal("/dashboard/");
    expect((await get(base, "/other")).status, "other paths fall through to the RPC server").to.equal(418);
  });

  it("lists the runner's trees by epoch and serves them; other names are not served", async () => {
    const list = JSON.parse((await get(base, "/dashboard/api/trees")).body) as { source: string; trees: { epoch: string; root: string; file: string }[] };
    expect(list.trees.map((t) => t.epoch)).to.deep.equal(["3", "12"]);
    expect(list.trees[0].root).to.equal(ROOT_HEX);
    const tree = await get(base, `/dashboard/api/trees/epoch-12-${ROOT_HEX}.json`);
    expect(tree.status).to.equal(200);
    expect(JSON.parse(tree.body)).to.deep.equal({ epoch: "12" });
    expect((await get(base, "/dashboard/api/trees/notes.json")).status).to.equal(404);
    const dep = await get(base, "/dashboard/api/deployment.json");
    expect(JSON.parse(dep.body).contracts.RewardDistributor).to.equal(DISTRIBUTOR);
  });

  it("refuses path traversal and hidden files", async () => {
    for (const p of [
      "/dashboard/../package.json",
      "/dashboard/%2e%2e/%2e%2e/package.json",
      "/dashboard/assets/..%2F..%2Findex.html",
      "/dashboard/api/trees/..%2F..%2F..%2Fsecret.txt",
      "/dashboard/api/..%2Fsecret.txt",
      "/dashboard/.hidden",
      "/dashboard/%2Fetc%2Fpasswd",
    ]) {
      const res = await get(base, p);
      // (fetch itself resolves a literal "/../"; the route never sees it and the RPC server answers)
      expect(res.status, p).to.not.equal(200);
      expect(res.body, p).to.not.contain("not for the web");
    }
  });

  it("answers 503 with the build command when the page is not built, and 404 without a deployment", async () => {
    const empty = tempDataDir("web-empty");
    const route = dashboardRoute({ webDir: empty, deploymentsDir: empty }, CHAIN_ID);
    const s = http.createServer((req, res) => void route(req, res));
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
    const b = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    try {
      const page = await get(b, "/dashboard/");
      expect(page.status).to.equal(503);
      expect(page.body).to.contain("npm run build:web");
      const dep = await get(b, "/dashboard/api/deployment.json");
      expect(dep.status).to.equal(404);
      expect(JSON.parse(dep.body).code).to.equal("NO_DEPLOYMENT");
      const trees = JSON.parse((await get(b, "/dashboard/api/trees")).body) as { source: unknown; trees: unknown[] };
      expect(trees).to.deep.equal({ source: null, trees: [] });
    } finally {
      await new Promise<void>((r) => s.close(() => r()));
    }
  });

  describe("the --dashboard flag of npm run node", () => {
    let node: SpawnedNode | undefined;
    afterEach(async () => {
      await node?.stop();
      node = undefined;
    });

    it("serves the dashboard routes only with the flag; JSON-RPC keeps working", async () => {
      node = await startNode({ args: ["--dashboard", "--rewards-dir", rewardsDir] });
      const trees = await get(node.url, "/dashboard/api/trees");
      expect(trees.status).to.equal(200);
      expect(await get(node.url, "/health")).to.include({ status: 200 });
      await node.stop();
      node = await startNode();
      expect((await get(node.url, "/dashboard/api/trees")).status).to.equal(404);
    });
  });
});
