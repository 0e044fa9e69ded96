import { Decimal } from 'decimal.js';
import type { EngineAchievement, EngineNames } from './types.js';

// What explanations call things: the caller's display name where it gave one, else the id (the
// structured fields beside every text always carry the ids).
export const institutionName = (names: EngineNames | undefined, id: string): string => names?.institution?.(id) ?? id;
export const itemName = (names: EngineNames | undefined, id: string): string => names?.item?.(id) ?? id;
export const achievementName = (a: EngineAchievement): string => a.label ?? a.id;

/**
 * A credit amount as a text shows it: exact up to 4 decimals, else cut (not rounded up) to 4 and
 * marked, so that what is left of a 1/3 cap reads 23.3333… and never claims more than there is.
 */
export const creditsText = (d: Decimal): string => (d.decimalPlaces() <= 4 ? d.toString() : `${d.toDecimalPlaces(4, Decimal.ROUND_DOWN).toString()}…`);
