/**
 * Validators table from the SDK's getValidators (stake, self stake, active set, jailed) plus blocks
 * proposed in the recent window. Commission: the contracts have no per-validator commission; the
 * operator's take is the epoch runner's `validatorTake` (DEFAULT_VALIDATOR_TAKE, 18%), shown as such.
 */
import { getValidators, type GetValidatorsReturnType } from "../../../sdk/client/actions/read/getValidators";
import type { Client } from "../../../sdk/client/types";
import { DEFAULT_VALIDATOR_TAKE } from "../../../sdk/tokenomics/constants";
import type { ChainState } from "../data/chain";
import { mdt, wadPct } from "../format";
import { setText, td } from "../dom";

/** Reads and renders the validators; returns them for the action form. */
export async function renderValidators(client: Client, chain: ChainState): Promise<GetValidatorsReturnType> {
  const data = await getValidators(client);
  const body = document.getElementById("validators-body");
  if (body) {
    body.replaceChildren(
      ...data.validators.map((v) => {
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
          td(wadPct(DEFAULT_VALIDATOR_TAKE, 0)),
          td(String(proposed)),
        );
        return tr;
      }),
    );
  }
  setText(
    "validators-note",
    `${data.validators.length} registered, ${data.activeSet.length} in the active set of epoch ${data.epoch}. Blocks proposed count the last ${chain.window} blocks. Commission is the epoch runner's operator take.`,
  );
  const select = document.getElementById("action-validator") as HTMLSelectElement | null;
  if (select) {
    const current = select.value;
    select.replaceChildren(...data.validators.map((v) => new Option(v.address, v.address)));
    if (current) select.value = current;
  }
  return data;
}
