import { lowerEquals } from '../http/headers.js';

/**
 * `name.toLowerCase() === lower` (`lower` already lower-case) without making the lower-case
 * string: header lookups run for every exchange. Lowercasing keeps the length of every string
 * but those with U+0130 (İ, which becomes two characters); wire text never has it.
 */
export function isNamed(name: string, lower: string): boolean {
  if (name.length === lower.length) return lowerEquals(name, lower);
  return name.length < lower.length && name.includes('\u0130') && name.toLowerCase() === lower;
}
