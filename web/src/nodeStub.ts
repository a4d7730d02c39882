/** Stands in for node:fs, node:path and node:os in the browser bundle (see vite.config.mts). */
function unavailable(): never {
  throw new Error("NODE_API_IN_BROWSER: a Node.js file-system call was reached in the dashboard; report this as a bug");
}

const stub = new Proxy({}, { get: () => unavailable });
export default stub;
export const join = unavailable;
export const resolve = unavailable;
export const dirname = unavailable;
export const homedir = unavailable;
