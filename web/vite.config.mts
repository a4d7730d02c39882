/**
 * Builds the dashboard into web/dist: one offline bundle (Chart.js, ethers and the SDK's pure modules
 * bundled in, nothing fetched from a CDN). `base: "./"` keeps asset URLs relative, so any node serves
 * it under /dashboard/.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));
// The SDK's client modules import node:fs/path/os for files the browser never reads (the page gets
// reward trees over HTTP): a stub that throws keeps such a call from failing silently.
const nodeStub = fileURLToPath(new URL("./src/nodeStub.ts", import.meta.url));

export default defineConfig({
  root: here,
  base: "./",
  logLevel: "warn",
  resolve: { alias: { "node:fs": nodeStub, "node:path": nodeStub, "node:os": nodeStub } },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 4096, reportCompressedSize: false },
});
