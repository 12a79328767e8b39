/**
 * The ways to buy an instance-hour besides On-Demand, named by one id each so flags, caches and
 * plans agree: Reserved Instances (standard or convertible), Savings Plans (Compute, EC2 Instance,
 * SageMaker), each for 1 or 3 years and paid no, partly or all upfront; and Spot. Pure.
 */
export const TERMS_YEARS = [1, 3] as const;
export const PAYMENTS = ['no-upfront', 'partial-upfront', 'all-upfront'] as const;
export const RI_CLASSES = ['standard', 'convertible'] as const;
export const SP_TYPES = ['compute', 'ec2-instance', 'sagemaker'] as const;

export type TermYears = (typeof TERMS_YEARS)[number];
export type Payment = (typeof PAYMENTS)[number];
export type RiClass = (typeof RI_CLASSES)[number];
export type SpType = (typeof SP_TYPES)[number];

/** `ri-standard-1yr-no-upfront`, `sp-compute-3yr-all-upfront`. */
export type CommitmentOptionId = `ri-${RiClass}-${TermYears}yr-${Payment}` | `sp-${SpType}-${TermYears}yr-${Payment}`;
export type PurchaseOptionId = CommitmentOptionId | 'spot';

export type CommitmentOption =
  | { id: CommitmentOptionId; kind: 'ri'; riClass: RiClass; termYears: TermYears; payment: Payment }
  | { id: CommitmentOptionId; kind: 'sp'; spType: SpType; termYears: TermYears; payment: Payment };

/** Every commitment option, Reserved Instances first, shortest term and least upfront first. */
export const COMMITMENT_OPTIONS: readonly CommitmentOption[] = [
  ...RI_CLASSES.flatMap((riClass) =>
    TERMS_YEARS.flatMap((termYears) =>
      PAYMENTS.map((payment) => ({ id: `ri-${riClass}-${termYears}yr-${payment}` as CommitmentOptionId, kind: 'ri' as const, riClass, termYears, payment })),
    ),
  ),
  ...SP_TYPES.flatMap((spType) =>
    TERMS_YEARS.flatMap((termYears) =>
      PAYMENTS.map((payment) => ({ id: `sp-${spType}-${termYears}yr-${payment}` as CommitmentOptionId, kind: 'sp' as const, spType, termYears, payment })),
    ),
  ),
];

const BY_ID = new Map<string, CommitmentOption>(COMMITMENT_OPTIONS.map((o) => [o.id, o]));
export const PURCHASE_OPTION_IDS: readonly PurchaseOptionId[] = [...COMMITMENT_OPTIONS.map((o) => o.id), 'spot'];

export function commitmentOption(id: string): CommitmentOption | undefined {
  return BY_ID.get(id);
}

export function isPurchaseOptionId(id: string): id is PurchaseOptionId {
  return id === 'spot' || BY_ID.has(id);
}

const SP_NAMES: Record<SpType, string> = { compute: 'Compute Savings Plan', 'ec2-instance': 'EC2 Instance Savings Plan', sagemaker: 'SageMaker Savings Plan' };

/** How a buyer names it: "1-year no-upfront Compute Savings Plan", "3-year all-upfront standard Reserved Instance". */
export function describeOption(id: PurchaseOptionId): string {
  if (id === 'spot') return 'Spot';
  const o = BY_ID.get(id);
  if (!o) return id;
  const head = `${o.termYears}-year ${o.payment}`;
  return o.kind === 'sp' ? `${head} ${SP_NAMES[o.spType]}` : `${head} ${o.riClass} Reserved Instance`;
}

/** Hours in a term: AWS (and vantage's ec2instances.info) amortise an upfront fee over 8760 h a year. */
export function termHours(termYears: TermYears): number {
  return 8760 * termYears;
}

/** Effective hourly rate = hourly charge + upfront fee / hours in the term (the time value of cash ignored). */
export function effectiveUsdPerHour(hourlyUsd: number, upfrontUsd: number, termYears: TermYears): number {
  return hourlyUsd + upfrontUsd / termHours(termYears);
}

/**
 * Expands a `--purchase-option` list: ids, or the groups `ri`, `sp`, `spot`, `all`; unknown names
 * come back in `unknown` so the caller can say which.
 */
export function expandPurchaseOptions(list: string): { ids: PurchaseOptionId[]; unknown: string[] } {
  const ids = new Set<PurchaseOptionId>();
  const unknown: string[] = [];
  for (const name of list.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (name === 'all') PURCHASE_OPTION_IDS.forEach((id) => ids.add(id));
    else if (name === 'ri' || name === 'sp') COMMITMENT_OPTIONS.filter((o) => o.kind === name).forEach((o) => ids.add(o.id));
    else if (isPurchaseOptionId(name)) ids.add(name);
    else unknown.push(name);
  }
  return { ids: PURCHASE_OPTION_IDS.filter((id) => ids.has(id)), unknown };
}
