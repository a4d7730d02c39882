/** `mtcli miner register`, `mtcli weights set`, `mtcli tasks report`. */
import type { Command } from "commander";
import { registerMiner } from "../../client/actions/subnet/registerMiner";
import { submitTaskReport } from "../../client/actions/subnet/submitTaskReport";
import { submitWeights } from "../../client/actions/subnet/submitWeights";
import { withClient } from "../context";
import { mdt, printResult, progress, type GlobalOptions } from "../output";
import { parseDifficultyArg, parseUintArg, parseWeightArgs } from "../parse";

/** Registers the subnet commands. */
export function registerSubnet(program: Command): void {
  const miner = program.command("miner").description("miner registration");
  miner
    .command("register")
    .description("pay the registration fee and register as a miner")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      await withClient(opts, async (client) => {
        progress(opts, "registering as miner");
        const tx = await registerMiner(client);
        printResult(opts, `registered as miner, fee ${mdt(tx.fee)} (tx ${tx.hash})`, tx);
      });
    });

  const weights = program.command("weights").description("validator weights over miners");
  weights
    .command("set")
    .argument("<pairs...>", "<miner>=<weight> pairs, any order (sorted for you)")
    .description("submit your weights for the current epoch (active validators only)")
    .action(async (pairs: string[], _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const parsed = parseWeightArgs(pairs);
      await withClient(opts, async (client) => {
        progress(opts, `submitting weights for ${parsed.length} miners`);
        const tx = await submitWeights(client, { weights: parsed });
        printResult(opts, `weights set for ${tx.miners.length} miners (tx ${tx.hash})`, tx);
      });
    });

  const tasks = program.command("tasks").description("validator task reports");
  tasks
    .command("report")
    .argument("<count>", "tasks observed this epoch")
    .argument("<difficulty>", "average difficulty in [0, 1], e.g. 0.7")
    .description("report this epoch's task volume and difficulty (active validators, once per epoch)")
    .action(async (countText: string, difficultyText: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const taskCount = parseUintArg("count", countText);
      const difficulty = parseDifficultyArg(difficultyText);
      await withClient(opts, async (client) => {
        progress(opts, `reporting ${taskCount} tasks at difficulty ${difficultyText}`);
        const tx = await submitTaskReport(client, { taskCount, difficulty });
        printResult(opts, `task report submitted (tx ${tx.hash})`, tx);
      });
    });
}
