/** Fixed-point constants and the default policy values (configuration defaults, not protocol law). */

/** 1.0 in 18-decimal fixed point; fractions, utility, weights and shares are all WAD-scaled. */
export const WAD = 10n ** 18n;

/** One MDT in wei (MDT has 18 decimals). */
export const ONE_MDT = 10n ** 18n;

/**
 * Halvings at or beyond this count leave nothing: `x >> 256` is 0 for every uint256, and the
 * contract short-circuits instead of shifting, so the SDK does the same.
 */
export const MAX_HALVINGS = 256n;

/** Default emission per epoch at full utility, before halving. */
export const DEFAULT_BASE_REWARD = 1_000n * ONE_MDT;

/**
 * Default number of epochs between halvings: with the default base reward the halving series converges
 * to the cap (1000 MDT × 2 × 10,500 = 21,000,000 MDT), so halvings, not the cap, shape the supply.
 */
export const DEFAULT_HALVING_INTERVAL = 10_500n;

/** The seed design's halving interval (its series sums to 420M MDT: the cap binds after ~21,000 epochs). */
export const SEED_HALVING_INTERVAL = 210_000n;

/** Default task volume at which the task component of utility saturates. */
export const DEFAULT_MAX_TASKS = 10_000n;

/** Hard supply cap of MDT (the token is ERC20Capped at this value). */
export const DEFAULT_SUPPLY_CAP = 21_000_000n * ONE_MDT;

/** Default utility weights: task volume 0.5, difficulty 0.3, participation 0.2. */
export const DEFAULT_TASK_WEIGHT = (WAD * 5n) / 10n;
export const DEFAULT_DIFFICULTY_WEIGHT = (WAD * 3n) / 10n;
export const DEFAULT_PARTICIPATION_WEIGHT = (WAD * 2n) / 10n;

/** Default emission shares: miners 0.4, validators 0.4, DAO 0.2. */
export const DEFAULT_MINER_SHARE = (WAD * 4n) / 10n;
export const DEFAULT_VALIDATOR_SHARE = (WAD * 4n) / 10n;
export const DEFAULT_DAO_SHARE = (WAD * 2n) / 10n;

/** Default κ: a miner's weight is clipped at the value backed by at least half of the stake. */
export const DEFAULT_KAPPA = WAD / 2n;

/** Default part of a slash that is burned; the rest goes to the recycling pool. */
export const DEFAULT_SLASH_BURN_SHARE = WAD / 2n;

/** Default part of a miner registration fee that is burned; the rest is recycled. */
export const DEFAULT_REGISTRATION_FEE_BURN_SHARE = WAD / 2n;

/**
 * Default validator take (0.18): the part of a validator's reward its operator keeps before the rest
 * is shared pro rata by everyone's stake in the validator (operator included), as Bittensor delegates do.
 */
export const DEFAULT_VALIDATOR_TAKE = (18n * WAD) / 100n;

/** Highest operator commission StakingManager accepts (0.5, its MAX_COMMISSION). */
export const MAX_COMMISSION = WAD / 2n;

/** Commission of a newly registered validator (StakingManager.DEFAULT_COMMISSION, equal to the default take). */
export const DEFAULT_COMMISSION = DEFAULT_VALIDATOR_TAKE;

/** A commission set in epoch e applies from epoch e + COMMISSION_DELAY_EPOCHS (StakingManager's constant). */
export const COMMISSION_DELAY_EPOCHS = 2n;
