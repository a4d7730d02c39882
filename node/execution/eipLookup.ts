import { Common } from "@ethereumjs/common";

/**
 * `Common.isActivatedEIP` in constant time. The EVM asks it several times per opcode (gas rules,
 * warm/cold access, PUSH0, transient storage...), and the stock method scans the array of active EIPs
 * (~60 entries at prague) with `includes`: ~3% of the node's CPU under the contract test suite. The
 * array is replaced, never edited, whenever the hardfork or the EIP list changes, so a Set built for
 * the current array (checked by identity on each call) always answers what the scan would.
 */
interface EipCacheHolder {
  _activatedEIPsCache: number[];
  luxEipArray?: number[];
  luxEipSet?: Set<number>;
}

let installed = false;

/** Installs the constant-time lookup on Common's prototype (once per process). */
export function installFastEipLookup(): void {
  if (installed) return;
  installed = true;
  const proto = Common.prototype as unknown as { isActivatedEIP(eip: number): boolean };
  proto.isActivatedEIP = function isActivatedEIP(this: EipCacheHolder, eip: number): boolean {
    const active = this._activatedEIPsCache;
    if (this.luxEipArray !== active || this.luxEipSet === undefined) {
      this.luxEipArray = active;
      this.luxEipSet = new Set(active);
    }
    return this.luxEipSet.has(eip);
  };
}
