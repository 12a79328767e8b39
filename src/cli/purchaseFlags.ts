import { isPurchaseOptionId } from '../pricing/purchaseOptions.js';
import type { PurchaseChoice } from '../schema/planPurchase.js';
import { UsageError } from '../util/errors.js';

/** `plan --purchase ondemand|best|<option id>`. */
export function purchaseChoiceFlag(flag: string) {
  return (value: string): PurchaseChoice => {
    if (value === 'ondemand' || value === 'best' || isPurchaseOptionId(value)) return value;
    throw new UsageError(`${flag} '${value}' is not a purchase choice`, "ondemand, best, spot, or an option id such as ri-standard-1yr-no-upfront or sp-compute-3yr-all-upfront ('capacity-plan prices --purchase-option all' lists them)");
  };
}
