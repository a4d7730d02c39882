/** `mtcli claim [--epoch N] | sweep <epoch>`. */
import type { Command } from "commander";
import { claim } from "../../client/actions/rewards/claim";
import { claimAll } from "../../client/actions/rewards/claimAll";
import { sweep } from "../../client/actions/rewards/sweep";
import { withClient } from "../context";
import { mdt, printResult, progress, type GlobalOptions } from "../output";
import { parseUintArg } from "../parse";

/** Registers `claim` and `sweep`. */
export function registerRewards(program: Command): void {
  program
    .command("claim")
    .option("--epoch <n>", "claim only this epoch (default: every claimable epoch)")
    .description("claim rewards with proofs from the runner's data directory (--data-dir)")
    .action(async (local: { epoch?: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const epoch = local.epoch === undefined ? undefined : parseUintArg("epoch", local.epoch);
      await withClient(opts, async (client) => {
        if (epoch !== undefined) {
          progress(opts, `claiming epoch ${epoch}`);
          const tx = await claim(client, { epoch });
          printResult(opts, `claimed ${mdt(tx.amount)} for epoch ${epoch} (tx ${tx.hash})`, tx);
          return;
        }
        progress(opts, "looking up claimable epochs");
        const tx = await claimAll(client);
        const epochs = tx.claims.map((c) => c.epoch).join(", ");
        printResult(opts, `claimed ${mdt(tx.total)} for epochs ${epochs} (tx ${tx.hash})`, tx);
      });
    });

  program
    .command("sweep")
    .argument("<epoch>", "a distributed epoch whose claim window has closed")
    .description("move an epoch's unclaimed rewards to the recycling pool (anyone may call it)")
    .action(async (epochText: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const epoch = parseUintArg("epoch", epochText);
      await withClient(opts, async (client) => {
        progress(opts, `sweeping epoch ${epoch}`);
        const tx = await sweep(client, { epoch });
        printResult(opts, `swept ${mdt(tx.amount)} of epoch ${epoch} to the recycling pool (tx ${tx.hash})`, tx);
      });
    });
}
