/** `mtcli validator commission | rotate-key | deregister | prune`: a validator's operation after registration. */
import type { Command } from "commander";
import { deregister, prune } from "../../client/actions/staking/deregister";
import { getCommission } from "../../client/actions/staking/getCommission";
import { rotateSigner } from "../../client/actions/staking/rotateSigner";
import { setCommission } from "../../client/actions/staking/setCommission";
import { clientError } from "../../client/errors";
import { MAX_COMMISSION } from "../../tokenomics/constants";
import { withClient } from "../context";
import { printResult, progress, type GlobalOptions } from "../output";
import { parseAddressArg, parseUintArg } from "../parse";

const PERCENT = /^\d{1,3}(\.\d{1,16})?%?$/;

/** A percentage ("5", "12.5%") into a WAD fraction; at most MAX_COMMISSION (50%). */
export function parseCommissionArg(text: string): bigint {
  if (!PERCENT.test(text)) throw clientError("INVALID_ARGUMENT", `commission must be a percentage such as 5 or 12.5%, got "${text}"`, { commission: text });
  const [whole, fraction = ""] = text.replace("%", "").split(".");
  const wad = BigInt(whole) * 10n ** 16n + BigInt(fraction.padEnd(16, "0"));
  if (wad > MAX_COMMISSION) throw clientError("INVALID_ARGUMENT", `commission must be at most 50%, got ${text}`, { commission: text });
  return wad;
}

/** A WAD fraction as a percentage with up to 4 decimals. */
export function formatPercent(wad: bigint): string {
  const basisPoints = (wad * 10_000n) / 10n ** 16n;
  const whole = basisPoints / 10_000n;
  const rest = (basisPoints % 10_000n).toString().padStart(4, "0").replace(/0+$/, "");
  return `${whole}${rest ? `.${rest}` : ""}%`;
}

/** Adds the operation subcommands to `mtcli validator`. */
export function registerValidatorOperations(validatorCmd: Command): void {
  const commission = validatorCmd.command("commission").description("the operator commission kept before delegators share a reward");
  commission
    .command("set")
    .argument("<percent>", "new commission, 0–50 (e.g. 5 or 12.5%)")
    .description("set your commission; it applies from two epochs ahead")
    .action(async (text: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const value = parseCommissionArg(text);
      await withClient(opts, async (client) => {
        progress(opts, `setting commission to ${formatPercent(value)}`);
        const tx = await setCommission(client, { commission: value });
        printResult(opts, `commission ${formatPercent(value)} from epoch ${tx.fromEpoch} (tx ${tx.hash})`, { ...tx, commission: value });
      });
    });
  commission
    .command("show")
    .argument("[validator]", "validator address (default: your own)")
    .option("--epoch <n>", "epoch to read (default: the current one)")
    .description("show a validator's commission now and as scheduled")
    .action(async (validatorText: string | undefined, local: { epoch?: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const epoch = local.epoch === undefined ? undefined : parseUintArg("epoch", local.epoch);
      await withClient(opts, async (client) => {
        const validator = validatorText === undefined ? client.account : parseAddressArg("validator", validatorText);
        if (validator === null) throw clientError("INVALID_ARGUMENT", "give a validator address, or a key (--key / MTCLI_PRIVATE_KEY) to show your own");
        const r = await getCommission(client, { validator, ...(epoch === undefined ? {} : { epoch }) });
        printResult(opts, `${r.validator}: ${formatPercent(r.commission)} in epoch ${r.epoch}, ${formatPercent(r.scheduled)} from epoch ${r.epoch + 2n}`, r);
      });
    });

  validatorCmd
    .command("rotate-key")
    .argument("<signer>", "new block-signing key address")
    .description("rotate your block-signing key; the new key signs from the next epoch")
    .action(async (signerText: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const signer = parseAddressArg("signer", signerText);
      await withClient(opts, async (client) => {
        progress(opts, `rotating the signing key to ${signer}`);
        const tx = await rotateSigner(client, { signer });
        printResult(opts, `signing key ${signer} from the next epoch (tx ${tx.hash})`, { ...tx, signer });
      });
    });

  validatorCmd
    .command("deregister")
    .description("leave the validator list once none of your own stake is bonded")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      await withClient(opts, async (client) => {
        const tx = await deregister(client);
        printResult(opts, `deregistered (tx ${tx.hash})`, tx);
      });
    });

  validatorCmd
    .command("prune")
    .argument("<validator>", "a validator below the minimum own stake and inactive for inactivityEpochs")
    .description("free the slot of an inactive validator (anyone may)")
    .action(async (validatorText: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const validator = parseAddressArg("validator", validatorText);
      await withClient(opts, async (client) => {
        const tx = await prune(client, { validator });
        printResult(opts, `pruned ${validator} (tx ${tx.hash})`, { ...tx, validator });
      });
    });
}
