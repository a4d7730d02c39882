/**
 * The dashboard's HTTP routes, kept apart from the JSON-RPC transport: the built web app (web/dist)
 * under /dashboard/, the suite's deployments record, and — read-only — the reward trees the epoch
 * runner stored. The page checks every tree's root against the RewardDistributor before using it, so
 * the node only relays files; it never vouches for them.
 *
 *   GET /dashboard/                     web/dist/index.html (and its hashed assets)
 *   GET /dashboard/api/deployment.json  deployments/<chainId>.json
 *   GET /dashboard/api/trees            { source, trees: [{ epoch, root, file }] }
 *   GET /dashboard/api/trees/<file>     one tree JSON (epoch-<N>-<root>.json)
 */
import fs from "node:fs";
import path from "node:path";
import type http from "node:http";

/** Where the dashboard's files come from. */
export interface DashboardOptions {
  /** Directory of the built web app (index.html + assets). */
  webDir: string;
  /** Directory holding `<chainId>.json` deployment records. */
  deploymentsDir: string;
  /**
   * The epoch runner's data directory (`mtcli --data-dir`, SDK `dataDir`); its
   * `<chainId>-<distributor>/trees/` is served read-only. Absent: no trees are served.
   */
  rewardsDir?: string;
}

/** A GET route: answers and returns true, or returns false to let the server go on. */
export type HttpRoute = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/** URL prefix of the dashboard. */
export const DASHBOARD_PATH = "/dashboard/";

const TREE_FILE = /^epoch-(\d+)-(0x[0-9a-f]{64})\.json$/;
const ASSET = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

function sendText(res: http.ServerResponse, status: number, type: string, body: string | Buffer, cache = "no-cache"): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), "Cache-Control": cache });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  sendText(res, status, TYPES[".json"], JSON.stringify(body));
}

function readFileOrNull(file: string): Buffer | null {
  try {
    return fs.statSync(file).isFile() ? fs.readFileSync(file) : null;
  } catch {
    return null;
  }
}

/** The trees directory of the deployment, or null when no rewards dir or deployment is known. */
function treesDir(opts: DashboardOptions, chainId: bigint): string | null {
  if (!opts.rewardsDir) return null;
  const dep = readFileOrNull(path.join(opts.deploymentsDir, `${chainId}.json`));
  if (!dep) return null;
  let distributor: unknown;
  try {
    distributor = (JSON.parse(dep.toString("utf8")) as { contracts?: Record<string, unknown> }).contracts?.RewardDistributor;
  } catch {
    return null;
  }
  if (typeof distributor !== "string") return null;
  return path.join(opts.rewardsDir, `${chainId}-${distributor.toLowerCase()}`, "trees");
}

function listTrees(dir: string | null): { epoch: string; root: string; file: string }[] {
  if (!dir || !fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((file) => ({ file, m: TREE_FILE.exec(file) }))
    .filter((e): e is { file: string; m: RegExpExecArray } => e.m !== null)
    .map((e) => ({ epoch: e.m[1], root: e.m[2], file: e.file }))
    .sort((a, b) => Number(BigInt(a.epoch) - BigInt(b.epoch)));
}

function serveApi(opts: DashboardOptions, chainId: bigint, rest: string, res: http.ServerResponse): void {
  if (rest === "deployment.json") {
    const body = readFileOrNull(path.join(opts.deploymentsDir, `${chainId}.json`));
    if (body) sendText(res, 200, TYPES[".json"], body);
    else sendJson(res, 404, { code: "NO_DEPLOYMENT", message: `no deployments/${chainId}.json: deploy the suite (npm run devnet deploys it)` });
    return;
  }
  const dir = treesDir(opts, chainId);
  if (rest === "trees") {
    sendJson(res, 200, { source: dir ? "epoch runner data directory (roots checked on-chain by the page)" : null, trees: listTrees(dir) });
    return;
  }
  const file = rest.startsWith("trees/") ? rest.slice("trees/".length) : "";
  const body = dir && TREE_FILE.test(file) ? readFileOrNull(path.join(dir, file)) : null;
  if (body) sendText(res, 200, TYPES[".json"], body);
  else sendJson(res, 404, { code: "NOT_FOUND", message: `no such dashboard resource: ${rest}` });
}

/** Builds the dashboard route for a node of chain `chainId`. */
export function dashboardRoute(opts: DashboardOptions, chainId: bigint): HttpRoute {
  const webDir = path.resolve(opts.webDir);
  return (req, res) => {
    const url = (req.url ?? "").split("?")[0];
    if (url === "/dashboard") {
      res.writeHead(302, { Location: DASHBOARD_PATH });
      res.end();
      return true;
    }
    if (!url.startsWith(DASHBOARD_PATH)) return false;
    const rest = decodeURIComponent(url.slice(DASHBOARD_PATH.length));
    if (rest.startsWith("api/")) {
      serveApi(opts, chainId, rest.slice("api/".length), res);
      return true;
    }
    const asset = rest === "" ? "index.html" : rest;
    // Only plain relative names: no "..", no absolute paths, no hidden tricks with encoded slashes.
    const body = ASSET.test(asset) && !asset.split("/").includes("..") ? readFileOrNull(path.join(webDir, asset)) : null;
    if (body) {
      const immutable = asset.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache";
      sendText(res, 200, TYPES[path.extname(asset)] ?? "application/octet-stream", body, immutable);
    } else if (asset === "index.html") {
      sendText(res, 503, "text/plain; charset=utf-8", `The dashboard is not built: run "npm run build:web" (looked in ${webDir}).\n`);
    } else {
      sendText(res, 404, "text/plain; charset=utf-8", "not found\n");
    }
    return true;
  };
}
