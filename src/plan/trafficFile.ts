import { parse as parseYaml } from 'yaml';
import { TrafficModel, withInferredKind } from '../schema/traffic.js';
import { InputError } from '../util/errors.js';
import { describeZodError } from '../util/zodErrors.js';
import { trafficFromCsv } from './trafficCsv.js';

/** Parses a traffic file's text by its extension (.csv, .json, .yaml/.yml); growth from a flag wins over the file's. */
export function parseTrafficText(text: string, path: string): TrafficModel {
  if (/\.csv$/i.test(path)) return trafficFromCsv(text, path);
  let raw: unknown;
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InputError(`traffic '${path}' does not parse: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = TrafficModel.safeParse(withInferredKind(raw));
  if (!parsed.success) {
    throw new InputError(
      `traffic '${path}' is invalid: ${describeZodError(parsed.error, TrafficModel)}`,
      'see "Traffic" in docs/plan.md, which ships in the package (`capacity-plan examples` prints where): peakRps/offPeakRps/businessHours/timeZone, or hourlyRps with 168 values',
    );
  }
  return parsed.data;
}
