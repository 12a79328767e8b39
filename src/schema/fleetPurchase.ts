import { z } from 'zod';
import { PurchaseOptionIdSchema } from './purchasePrices.js';

/**
 * How a live fleet is paid for (the fleet file's optional `purchase`): a commitment option and its
 * level, as instances or as a Savings Plan's $/h. `rightsize` then states savings after discounts:
 * removing an instance the commitment pays for saves nothing until the term ends.
 */
export const FleetPurchase = z
  .object({
    option: PurchaseOptionIdSchema.exclude(['spot']),
    /** Instances covered (Reserved Instances, or a Savings Plan sized in instances). */
    committedInstances: z.number().int().nonnegative().optional(),
    /** A Savings Plan's hourly commitment; instances covered = floor(this / the effective rate). */
    commitmentUsdPerHour: z.number().nonnegative().optional(),
    /** Your effective rate per instance-hour (from the bill); default: the price book's for the option. */
    effectiveUsdPerHour: z.number().positive().optional(),
  })
  .strict()
  .refine((p) => (p.committedInstances === undefined) !== (p.commitmentUsdPerHour === undefined), {
    message: 'give exactly one of committedInstances or commitmentUsdPerHour',
  });
export type FleetPurchase = z.infer<typeof FleetPurchase>;

/** What `rightsize` adds to its findings for a fleet with a `purchase`. */
export const AfterDiscounts = z
  .object({
    option: PurchaseOptionIdSchema,
    committedInstances: z.number().int().nonnegative(),
    effectiveUsdPerHour: z.number().positive(),
    /** Where the rate came from: the fleet file, or the price book's origin in words. */
    rateFrom: z.string(),
    onDemandUsdPerHour: z.number().positive(),
    /** The findings' savings, priced On-Demand (Compute Optimizer's "before discounts"). */
    beforeDiscounts: z.object({ staticUsdPerMonth: z.number(), scheduledUsdPerMonth: z.number() }).strict(),
    /** Only instances above the commitment save anything. */
    staticSavingsUsdPerMonth: z.number(),
    scheduledSavingsUsdPerMonth: z.number(),
    statement: z.string(),
  })
  .strict();
export type AfterDiscounts = z.infer<typeof AfterDiscounts>;
