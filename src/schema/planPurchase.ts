import { z } from 'zod';
import { PurchaseOptionIdSchema } from './purchasePrices.js';

/**
 * What a plan says about buying each candidate's fleet (schema version 3): the cost On-Demand
 * alone, under each commitment option at its optimal level (src/plan/commitment.ts), and which is
 * cheapest. Money is instances only, per 730-hour month, rounded to cents; extras are in the
 * candidate's own figures.
 */
export const PurchaseOriginDoc = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('snapshot'), sourceId: z.string(), date: z.string().nullable() }).strict(),
  z.object({ kind: z.literal('cache'), api: z.enum(['price-list', 'savings-plans', 'spot-price-history']), fetchedAt: z.string() }).strict(),
]);

/** `plan --purchase`: what the ranking uses. */
export const PurchaseChoice = z.union([z.literal('ondemand'), z.literal('best'), PurchaseOptionIdSchema]);
export type PurchaseChoice = z.infer<typeof PurchaseChoice>;

export const PurchaseOptionCost = z
  .object({
    /** A commitment option id, or `spot` (no commitment: the floor On-Demand, the rest on Spot). */
    option: PurchaseOptionIdSchema,
    /** "1-year no-upfront Compute Savings Plan". */
    description: z.string(),
    /** The committed effective $/instance-hour; null for `spot`. */
    effectiveUsdPerHour: z.number().nonnegative().nullable(),
    price: PurchaseOriginDoc.nullable(),
    committedInstances: z.number().int().nonnegative(),
    /** committedInstances × effectiveUsdPerHour: a Savings Plan's hourly commitment. */
    commitmentUsdPerHour: z.number().nonnegative(),
    committedUsdPerMonth: z.number().nonnegative(),
    onDemandUsdPerMonth: z.number().nonnegative(),
    spotUsdPerMonth: z.number().nonnegative(),
    /** The recommended mix: committed + On-Demand + Spot. */
    usdPerMonth: z.number().nonnegative(),
    peakOnDemandInstances: z.number().int().nonnegative(),
    peakSpotInstances: z.number().int().nonnegative(),
    /** Against On-Demand alone (scheduled), in percent. */
    savesPct: z.number(),
    sentence: z.string(),
  })
  .strict();
export type PurchaseOptionCost = z.infer<typeof PurchaseOptionCost>;

export const CandidatePurchase = z
  .object({
    onDemandUsdPerHour: z.number().positive(),
    /** Scheduled scaling, all On-Demand: the baseline every option is compared with. */
    onDemandUsdPerMonth: z.number().nonnegative(),
    options: z.array(PurchaseOptionCost),
    /** Options no source priced for this type and region: `no price`, never estimated. */
    noPrice: z.array(PurchaseOptionIdSchema),
    /** The cheapest priced option; null when none is priced. */
    best: PurchaseOptionIdSchema.nullable(),
    /** With --spot and a Spot price: its figures and the risk. */
    spot: z
      .object({
        usdPerHour: z.number().nonnegative(),
        minUsdPerHour: z.number().nonnegative(),
        maxUsdPerHour: z.number().nonnegative(),
        interruptionFrequency: z.string().nullable(),
        price: PurchaseOriginDoc,
        /** The week's lowest demand: never on Spot. */
        floorInstances: z.number().int().nonnegative(),
        statement: z.string(),
      })
      .strict()
      .nullable(),
    /**
     * What the ranking used: `ondemand` (the static fleet), an option's mix, or with `best` and no
     * priced option `ondemand-scheduled` (the mix without a commitment), so every candidate under
     * `best` is ranked on the same basis: scheduled scaling.
     */
    ranked: z.object({ by: z.union([z.literal('ondemand'), z.literal('ondemand-scheduled'), PurchaseOptionIdSchema]), usdPerMonth: z.number().nonnegative() }).strict(),
  })
  .strict();
export type CandidatePurchase = z.infer<typeof CandidatePurchase>;

export const PlanPurchaseInputs = z.object({ choice: PurchaseChoice, spot: z.boolean() }).strict();
