/** `mtcli balance [address]` and `mtcli validators`. */
import type { Command } from "commander";
import { getBalances } from "../../client/actions/read/getBalances";
import { getValidators } from "../../client/actions/read/getValidators";
import { clientError } from "../../client/errors";
import { withClient } from "../context";
import { mdt, printResult, type GlobalOptions } from "../output";
import { parseAddressArg } from "../parse";

/** Registers `balance` and `validators`. */
export function registerAccount(program: Command): void {
  program
    .command("balance")
    .argument("[address]", "account to inspect (default: the --key account)")
    .description("show MDT, LUX, staked, unbonding and withdrawable amounts")
    .action(async (address: string | undefined, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const account = address === undefined ? undefined : parseAddressArg("address", address);
      await withClient(opts, async (client) => {
        if (account === undefined && client.account === null) {
          throw clientError("INVALID_ARGUMENT", "give an address, or a key with --key / MTCLI_PRIVATE_KEY");
        }
        const b = await getBalances(client, account === undefined ? {} : { account });
        printResult(opts, [
          `account      ${b.account}`,
          `MDT          ${mdt(b.mdt)}`,
          `LUX          ${mdt(b.lux).replace("MDT", "LUX")}`,
          `staked       ${mdt(b.staked)}`,
          `unbonding    ${mdt(b.unbonding)}`,
          `withdrawable ${mdt(b.withdrawable)}`,
        ], b);
      });
    });

  program
    .command("validators")
    .description("list registered validators and the active set")
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      await withClient(opts, async (client) => {
        const v = await getValidators(client);
        const lines = [`epoch ${v.epoch}: ${v.validators.length} registered, ${v.activeSet.length} active`];
        for (const info of v.validators) {
          const flags = [info.active ? "active" : "inactive", info.jailed ? `jailed until ${info.jailedUntil}` : ""].filter(Boolean).join(", ");
          lines.push(`${info.address}  stake ${mdt(info.totalStake)} (self ${mdt(info.selfStake)})  ${flags}`);
        }
        printResult(opts, lines, v);
      });
    });
}
