/** `mtcli miner register`, `mtcli weights set|commit|reveal`, `mtcli tasks report`. */
import type { Command } from "commander";
import { registerMiner } from "../../client/actions/subnet/registerMiner";
import { submitTaskReport } from "../../client/actions/subnet/submitTaskReport";
import { submitWeights } from "../../client/actions/subnet/submitWeights";
import { commitWeights } from "../../client/actions/subnet/commitWeights";
import { revealWeights } from "../../client/actions/subnet/revealWeights";
import { withClient } from "../context";
import { mdt, printResult, progress, type GlobalOptions } from "../output";
import { parseDifficultyArg, parseUintArg, parseWeightArgs } from "../parse";

/** Registers the subnet commands. */
export function registerSubnet(program: Command): void {
  const miner = program.command("miner").description("miner registration");
  miner
    .command("register")
    .description("pay the registration fee and register as a miner (when slots are full, take the slot of a miner past its immunity that nobody weighted lately)")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      await withClient(opts, async (client) => {
        progress(opts, "registering as miner");
        const tx = await registerMiner(client);
        const replaced = tx.replaced === null ? "" : `, replacing ${tx.replaced}`;
        printResult(opts, `registered as miner, fee ${mdt(tx.fee)}${replaced} (tx ${tx.hash})`, tx);
      });
    });

  const weights = program.command("weights").description("validator weights over miners");
  weights
    .command("set")
    .argument("<pairs...>", "<miner>=<weight> pairs, any order (sorted for you)")
    .description("submit your weights for the current epoch (active validators; while commit–reveal is off)")
    .action(async (pairs: string[], _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const parsed = parseWeightArgs(pairs);
      await withClient(opts, async (client) => {
        progress(opts, `submitting weights for ${parsed.length} miners`);
        const tx = await submitWeights(client, { weights: parsed });
        printResult(opts, `weights set for ${tx.miners.length} miners (tx ${tx.hash})`, tx);
      });
    });

  weights
    .command("commit")
    .argument("<pairs...>", "<miner>=<weight> pairs, any order (sorted for you)")
    .description("commit to your weights for the current epoch (commit–reveal on); the salt is kept in --data-dir")
    .action(async (pairs: string[], _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const parsed = parseWeightArgs(pairs);
      await withClient(opts, async (client) => {
        progress(opts, `committing weights for ${parsed.length} miners`);
        const tx = await commitWeights(client, { weights: parsed });
        printResult(opts, [`committed weights for epoch ${tx.epoch}: ${tx.commitment} (tx ${tx.hash})`, `salt stored in ${tx.file}; reveal during epoch ${tx.epoch + 1n} ("mtcli weights reveal", or "mtcli epoch run" does it)`], tx);
      });
    });

  weights
    .command("reveal")
    .option("--epoch <n>", "the epoch the weights were committed in (default: the previous epoch)")
    .description("reveal the weights you committed (during the epoch after the commit)")
    .action(async (local: { epoch?: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const epoch = local.epoch === undefined ? undefined : parseUintArg("epoch", local.epoch);
      await withClient(opts, async (client) => {
        progress(opts, "revealing weights");
        const tx = await revealWeights(client, epoch === undefined ? {} : { epoch });
        printResult(opts, `revealed weights of epoch ${tx.epoch} for ${tx.miners.length} miners (tx ${tx.hash})`, tx);
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
