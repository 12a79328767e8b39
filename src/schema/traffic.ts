import { z } from 'zod';

/**
 * TrafficModel: requests per second for each hour of the week. The week is 168 UTC hours,
 * index 0 = Monday 00:00-01:00 UTC. Two forms:
 *   business-hours: peakRps inside business hours (days, hours, IANA time zone), offPeakRps
 *                   outside them, weekendRps outside them on Saturday and Sunday;
 *   weekly:         168 explicit values (also what a CSV of observed counts becomes).
 * growthFactor multiplies every hour (1.2 = plan for 20% more traffic than described).
 */
export const HOURS_PER_WEEK = 168;

export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof Weekday>;
export const WEEKDAYS: readonly Weekday[] = Weekday.options;

const HOURS_PATTERN = /^(\d{1,2})-(\d{1,2})$/;

/** `09-18` -> [9, 18): business hours start at 09:00 and end at 18:00 local time. */
export function parseHoursRange(text: string): { startHour: number; endHour: number } | undefined {
  const match = HOURS_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const startHour = Number(match[1]);
  const endHour = Number(match[2]);
  return startHour < endHour && endHour <= 24 ? { startHour, endHour } : undefined;
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const Rps = z.number().nonnegative();
const GrowthFactor = z.number().positive().default(1);

export const BusinessHours = z
  .object({
    days: z.array(Weekday).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
    hours: z
      .string()
      .default('09-18')
      .refine((h) => parseHoursRange(h) !== undefined, { message: "write hours as 'HH-HH' with start < end <= 24, e.g. '09-18'" }),
  })
  .strict();
export type BusinessHours = z.infer<typeof BusinessHours>;

export const BusinessHoursTraffic = z
  .object({
    kind: z.literal('business-hours'),
    peakRps: Rps,
    offPeakRps: Rps,
    /** Outside business hours on Saturday and Sunday (local time); default offPeakRps. */
    weekendRps: Rps.optional(),
    businessHours: BusinessHours.prefault({}),
    timeZone: z.string().default('UTC').refine(isTimeZone, { message: 'not an IANA time zone name (e.g. Europe/Berlin, America/New_York)' }),
    growthFactor: GrowthFactor,
  })
  .strict();
export type BusinessHoursTraffic = z.infer<typeof BusinessHoursTraffic>;

export const WeeklyTraffic = z
  .object({
    kind: z.literal('weekly'),
    hourlyRps: z.array(Rps).length(HOURS_PER_WEEK, {
      message: `expected ${HOURS_PER_WEEK} values, one per hour of the week, Monday 00:00 UTC first`,
    }),
    growthFactor: GrowthFactor,
    /** How the values were obtained, e.g. "peak of each hour in observed.csv (10080 minutes)". */
    derivedFrom: z.string().optional(),
  })
  .strict();
export type WeeklyTraffic = z.infer<typeof WeeklyTraffic>;

export const TrafficModel = z.discriminatedUnion('kind', [BusinessHoursTraffic, WeeklyTraffic]);
export type TrafficModel = z.infer<typeof TrafficModel>;
export type TrafficModelInput = z.input<typeof TrafficModel>;

/** Files may leave `kind` out: `hourlyRps` means the weekly form, anything else the business-hours form. */
export function withInferredKind(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && !('kind' in raw)) {
    return { kind: 'hourlyRps' in raw ? 'weekly' : 'business-hours', ...raw };
  }
  return raw;
}

/** What a plan records about the traffic it was sized for. */
export const TrafficSummary = z
  .object({
    form: z.enum(['business-hours', 'weekly']),
    description: z.string(),
    hours: z.number().int().positive(),
    peakRps: z.number().nonnegative(),
    meanRps: z.number().nonnegative(),
    minRps: z.number().nonnegative(),
    growthFactor: z.number().positive(),
    /** meanRps x 3600 x month hours. */
    requestsPerMonth: z.number().nonnegative(),
  })
  .strict();
export type TrafficSummary = z.infer<typeof TrafficSummary>;
