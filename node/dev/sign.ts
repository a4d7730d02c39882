import { SigningKey, TypedDataEncoder, concat, hashMessage, keccak256, type TypedDataDomain, type TypedDataField } from "ethers";
import { LuxError, errorMessage } from "../errors";

/** The domain type is implied by `domain`; ethers refuses it among the types it hashes. */
const DOMAIN_TYPE = "EIP712Domain";

/**
 * eth_sign / personal_sign: the EIP-191 signature of `message` ("\x19Ethereum Signed Message:\n" +
 * length + message), as geth, Hardhat and anvil sign for their unlocked accounts; 65 bytes r ‖ s ‖ v
 * with v = 27 or 28 (what ethers' `verifyMessage` and OpenZeppelin's ECDSA expect).
 */
export function signPersonalMessage(key: Uint8Array, message: Uint8Array): string {
  return new SigningKey(key).sign(hashMessage(message)).serialized;
}

/** EIP-712 typed data as eth_signTypedData_v4 takes it (MetaMask's shape). */
export interface TypedData {
  types: Record<string, TypedDataField[]>;
  primaryType: string;
  domain: TypedDataDomain;
  message: Record<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses eth_signTypedData_v4's typed data: an object, or the same as a JSON string (MetaMask sends a string). */
export function parseTypedData(raw: unknown): TypedData {
  let v = raw;
  if (typeof raw === "string") {
    try {
      v = JSON.parse(raw);
    } catch {
      throw new LuxError("INVALID_PARAMS", "invalid argument typedData: a string must hold JSON");
    }
  }
  if (!isRecord(v)) throw new LuxError("INVALID_PARAMS", "invalid argument typedData: expected an object with types, primaryType, domain and message");
  const { types, primaryType, domain, message } = v;
  if (!isRecord(types)) throw new LuxError("INVALID_PARAMS", "invalid argument typedData: types must be an object of type name → fields");
  if (typeof primaryType !== "string" || primaryType === DOMAIN_TYPE) throw new LuxError("INVALID_PARAMS", "invalid argument typedData: primaryType must name a struct type other than EIP712Domain");
  if (!isRecord(domain)) throw new LuxError("INVALID_PARAMS", "invalid argument typedData: domain must be an object");
  if (!isRecord(message)) throw new LuxError("INVALID_PARAMS", "invalid argument typedData: message must be an object");
  for (const [name, fields] of Object.entries(types)) {
    const ok = Array.isArray(fields) && fields.every((f) => isRecord(f) && typeof f.name === "string" && typeof f.type === "string");
    if (!ok) throw new LuxError("INVALID_PARAMS", `invalid argument typedData: types.${name} must be a list of { name, type }`);
  }
  if (!Object.hasOwn(types, primaryType)) throw new LuxError("INVALID_PARAMS", `invalid argument typedData: primaryType ${primaryType} is not among the types`);
  return { types: types as Record<string, TypedDataField[]>, primaryType, domain: domain as TypedDataDomain, message };
}

/**
 * eth_signTypedData_v4: the signature of the EIP-712 digest keccak(0x1901 ‖ domainSeparator ‖
 * hashStruct(message)) of `primaryType`. As MetaMask: the domain is hashed with the fields and order
 * `types.EIP712Domain` lists (derived from the domain's keys, in the standard order, when absent), and
 * types not reachable from `primaryType` are left out.
 */
export function signTypedData(key: Uint8Array, data: TypedData): string {
  const types: Record<string, TypedDataField[]> = {};
  for (const name of reachable(data.types, data.primaryType)) types[name] = data.types[name];
  const domainFields = data.types[DOMAIN_TYPE];
  let digest: string;
  try {
    const domainHash = domainFields
      ? TypedDataEncoder.hashStruct(DOMAIN_TYPE, { [DOMAIN_TYPE]: domainFields }, data.domain as Record<string, unknown>)
      : TypedDataEncoder.hashDomain(data.domain);
    digest = keccak256(concat(["0x1901", domainHash, TypedDataEncoder.hashStruct(data.primaryType, types, data.message)]));
  } catch (err) {
    throw new LuxError("INVALID_PARAMS", `invalid argument typedData: ${errorMessage(err)}`, { cause: err });
  }
  return new SigningKey(key).sign(digest).serialized;
}

/** The struct types `primary` uses, itself included (array suffixes stripped; base types are not keys). */
function reachable(types: Record<string, TypedDataField[]>, primary: string): Set<string> {
  const out = new Set<string>();
  const visit = (name: string): void => {
    if (out.has(name) || name === DOMAIN_TYPE || !Object.hasOwn(types, name)) return;
    out.add(name);
    for (const f of types[name]) visit(f.type.replace(/(\[\d*\])+$/, ""));
  };
  visit(primary);
  return out;
}
