/** `mtcli status`: chain, epoch, supply, pools and the validator set at a glance. */
import type { Command } from "commander";
import { getEpochInfo } from "../../client/actions/read/getEpochInfo";
import { getPoolTotals } from "../../client/actions/read/getPoolTotals";
import { getSupply } from "../../client/actions/read/getSupply";
import { getValidators } from "../../client/actions/read/getValidators";
import { read } from "../../client/call";
import { withClient } from "../context";
import { mdt, printResult, type GlobalOptions } from "../output";

/** Registers `status`. */
export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("show chain, epoch, supply, burn/recycling totals and validators")
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      await withClient(opts, async (client) => {
        const [epoch, supply, pools, validators] = await Promise.all([getEpochInfo(client), getSupply(client), getPoolTotals(client), getValidators(client)]);
        const minerCount = await read(client, "SubnetRegistry.minerCount", () => client.contracts.registry.minerCount());
        const data = { chainId: client.chainId, ...epoch, supply, pools, validators: validators.validators.length, activeValidators: validators.activeSet.length, miners: minerCount };
        printResult(opts, [
          `chain ${client.chainId}, block ${epoch.blockNumber}`,
          `epoch ${epoch.currentEpoch} (length ${epoch.epochLength} blocks, next starts at block ${epoch.nextEpochStartBlock})`,
          `supply ${mdt(supply.totalSupply)} of cap ${mdt(supply.cap)}; bonded ${mdt(supply.totalBonded)}, unbonding ${mdt(supply.totalUnbonding)}`,
          `burned ${mdt(pools.burned.total)}; recycled ${mdt(pools.recycled.total)} (pool holds ${mdt(pools.recycled.balance)}, released ${mdt(pools.recycled.released)})`,
          `validators ${validators.validators.length} registered, ${validators.activeSet.length} active; miners ${minerCount}`,
        ], data);
      });
    });
}
