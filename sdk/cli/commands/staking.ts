/** `mtcli stake | unstake | withdraw | delegate | undelegate | validator register | validator unjail`. */
import type { Command } from "commander";
import { delegate } from "../../client/actions/staking/delegate";
import { registerValidator } from "../../client/actions/staking/registerValidator";
import { stake } from "../../client/actions/staking/stake";
import { undelegate } from "../../client/actions/staking/undelegate";
import { unjail } from "../../client/actions/staking/unjail";
import { unstake } from "../../client/actions/staking/unstake";
import { withdraw } from "../../client/actions/staking/withdraw";
import type { TxResult } from "../../client/types";
import { withClient } from "../context";
import { registerValidatorOperations } from "./validator";
import { mdt, printResult, progress, type GlobalOptions } from "../output";
import { parseAddressArg, parseAmountArg } from "../parse";

function done(opts: GlobalOptions, what: string, tx: TxResult, extra: Record<string, unknown> = {}): void {
  printResult(opts, `${what} (tx ${tx.hash}, block ${tx.blockNumber})`, { ...tx, ...extra });
}

/** Registers the staking commands. */
export function registerStaking(program: Command): void {
  program
    .command("stake")
    .argument("<amount>", "MDT to add to your own validator stake, e.g. 1.5")
    .description("stake MDT on your own validator (approves the StakingManager if needed)")
    .action(async (amountText: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const amount = parseAmountArg(amountText);
      await withClient(opts, async (client) => {
        progress(opts, `staking ${mdt(amount)}`);
        done(opts, `staked ${mdt(amount)}`, await stake(client, { amount }), { amount });
      });
    });

  program
    .command("unstake")
    .argument("<amount>", "MDT of your own validator stake to unbond")
    .description("start unbonding your own validator stake")
    .action(async (amountText: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const amount = parseAmountArg(amountText);
      await withClient(opts, async (client) => {
        progress(opts, `unstaking ${mdt(amount)}`);
        done(opts, `unbonding ${mdt(amount)}`, await unstake(client, { amount }), { amount });
      });
    });

  program
    .command("withdraw")
    .description("withdraw every unbonding entry that has matured")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      await withClient(opts, async (client) => {
        progress(opts, "withdrawing matured unbondings");
        done(opts, "withdrawn", await withdraw(client));
      });
    });

  program
    .command("delegate")
    .argument("<validator>", "validator address")
    .argument("<amount>", "MDT to delegate, e.g. 10")
    .description("delegate MDT to a validator (approves the StakingManager if needed)")
    .action(async (validatorText: string, amountText: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const validator = parseAddressArg("validator", validatorText);
      const amount = parseAmountArg(amountText);
      await withClient(opts, async (client) => {
        progress(opts, `delegating ${mdt(amount)} to ${validator}`);
        done(opts, `delegated ${mdt(amount)} to ${validator}`, await delegate(client, { validator, amount }), { validator, amount });
      });
    });

  program
    .command("undelegate")
    .argument("<validator>", "validator address")
    .argument("<amount>", "MDT to unbond")
    .description("start unbonding MDT delegated to a validator")
    .action(async (validatorText: string, amountText: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const validator = parseAddressArg("validator", validatorText);
      const amount = parseAmountArg(amountText);
      await withClient(opts, async (client) => {
        progress(opts, `undelegating ${mdt(amount)} from ${validator}`);
        done(opts, `unbonding ${mdt(amount)} from ${validator}`, await undelegate(client, { validator, amount }), { validator, amount });
      });
    });

  const validatorCmd = program.command("validator").description("validator registration");
  validatorCmd
    .command("register")
    .argument("<amount>", "self-stake in MDT (at least the minimum self-stake)")
    .option("--signer <address>", "block-signing key (default: your address)")
    .description("register as a validator")
    .action(async (amountText: string, local: { signer?: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const selfStake = parseAmountArg(amountText);
      const signer = local.signer === undefined ? undefined : parseAddressArg("signer", local.signer);
      await withClient(opts, async (client) => {
        progress(opts, `registering validator with ${mdt(selfStake)}`);
        done(opts, "registered as validator", await registerValidator(client, { selfStake, ...(signer ? { signer } : {}) }), { selfStake });
      });
    });

  validatorCmd
    .command("unjail")
    .description("take your validator out of jail once its jail period is over")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      await withClient(opts, async (client) => {
        progress(opts, "unjailing");
        done(opts, "unjailed; back in the active set from the next epoch", await unjail(client));
      });
    });

  registerValidatorOperations(validatorCmd);
}
