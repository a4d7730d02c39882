/**
 * Validators table from the SDK's getValidators (stake, self stake, active set, jailed) plus blocks
 * proposed in the recent window, and each validator's commission for the current epoch as the
 * StakingManager records it (`commissionAt`).
 */
import { getValidators, type GetValidatorsReturnType } from "../../../sdk/client/actions/read/getValidators";
import type { Client } from "../../../sdk/client/types";
import { read } from "../../../sdk/client/call";
import type { ChainState } from "../data/chain";
import { mdt, wadPct } from "../format";
import { setText, td } from "../dom";

/** Reads and renders the validators; returns them for the action form. */
export async function renderValidators(client: Client, chain: ChainState): Promise<GetValidatorsReturnType> {
  const data = await getValidators(client);
  const { staking } = client.contracts;
  const commissions = await Promise.all(data.validators.map((v) => read(client, "StakingManager.commissionAt", () => staking.commissionAt(v.address, data.epoch))));
  const body = document.getElementById("validators-body");
  if (body) {
    body.replaceChildren(
      ...data.validators.map((v, i) => {
        const tr = document.createElement("tr");
        tr.dataset.validator = v.address;
        const proposed = (chain.proposed.get(v.address.toLowerCase()) ?? 0) + (v.signer.toLowerCase() !== v.address.toLowerCase() ? chain.proposed.get(v.signer.toLowerCase()) ?? 0 : 0);
        tr.append(
          td(v.address, "addr"),
          td(mdt(v.totalStake, 2)),
          td(mdt(v.selfStake, 2)),
          td(mdt(v.totalStake - v.selfStake, 2)),
          td(v.active ? "yes" : "no"),
          td(v.jailed ? `until epoch ${v.jailedUntil}` : "no"),
          td(wadPct(commissions[i], 1)),
          td(String(proposed)),
        );
        return tr;
      }),
    );
  }
  setText(
    "validators-note",
    `${data.validators.length} registered, ${data.activeSet.length} in the active set of epoch ${data.epoch}. Blocks proposed count the last ${chain.window} blocks.`,
  );
  const select = document.getElementById("action-validator") as HTMLSelectElement | null;
  if (select) {
    const current = select.value;
    select.replaceChildren(...data.validators.map((v) => new Option(v.address, v.address)));
    if (current) select.value = current;
  }
  return data;
}
