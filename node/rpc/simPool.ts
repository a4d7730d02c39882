import { bytesToHex } from "@ethereumjs/util";
import type { VM } from "@ethereumjs/vm";

/** Idle simulation VMs kept for the current state root (as many as simulations may run at once). */
const MAX_IDLE = 4;
/**
 * A VM whose caches hold more than this many accounts plus storage slots is not kept: on a head that
 * does not move (an on-demand dev node), calls could otherwise pile every slot they ever read into it.
 */
const MAX_CACHED_ENTRIES = 50_000;

/** The state manager's caches as far as they are counted here (ethereumjs' ordered-map caches). */
interface CountedCaches {
  _caches?: {
    account?: { size(): number };
    storage?: { _orderedMapCache?: { forEach(cb: (entry: [string, Map<string, unknown>]) => void): void } };
  };
}

/** Accounts plus storage slots in the caches; Infinity when their shape is not the one expected. */
function cachedEntries(vm: VM): number {
  try {
    const caches = (vm.stateManager as unknown as CountedCaches)._caches;
    const slots = caches?.storage?._orderedMapCache;
    if (!caches?.account || !slots) return Infinity;
    let n = caches.account.size();
    slots.forEach(([, m]) => (n += m.size));
    return n;
  } catch {
    return Infinity;
  }
}

/** A VM lent for one request's simulations; `release` hands it back (or drops it). */
export interface LentVm {
  vm: VM;
  release(): void;
}

/**
 * Simulation VMs (eth_call, eth_estimateGas, eth_createAccessList) reused across requests on the same
 * state root. A fresh VM costs its setup (~1 ms) and reads every account, slot and code cold from the
 * trie; on the devnet's test-suite pattern (a transaction, then several reads of the new head) a reused
 * one answers from its caches. Safe because a state root names immutable state (the caches only ever
 * hold values read at that root) and every simulation runs in a checkpoint it reverts: a VM goes back to
 * the pool only when its state manager is back at checkpoint depth 0, i.e. nothing of the request is
 * left in it. VMs given state overrides or tracing hooks are never lent from here. When the head moves,
 * the idle VMs of the old root are dropped.
 */
export class SimulationPool {
  private root = "";
  private idle: VM[] = [];

  /** A VM on `root`: an idle one, or a new one from `make` (which must build it on exactly that root). */
  async acquire(root: Uint8Array, make: () => Promise<VM>): Promise<LentVm> {
    const key = bytesToHex(root);
    if (key !== this.root) {
      this.root = key;
      this.idle = [];
    }
    const vm = this.idle.pop() ?? (await make());
    let released = false;
    return {
      vm,
      release: () => {
        if (released) return;
        released = true;
        this.giveBack(key, vm);
      },
    };
  }

  private giveBack(key: string, vm: VM): void {
    if (key !== this.root || this.idle.length >= MAX_IDLE) return;
    // Depth 0: every checkpoint of the simulations was closed, so the state holds nothing of them.
    if ((vm.stateManager as unknown as { _checkpointCount?: number })._checkpointCount !== 0) return;
    if (cachedEntries(vm) > MAX_CACHED_ENTRIES) return;
    this.idle.push(vm);
  }
}
