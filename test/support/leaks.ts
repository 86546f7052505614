/**
 * What an answer, a log line or a CLI's output may repeat of what it was given: no phone
 * number whole (the log's masking keeps its last four digits hidden), no run of a caller's
 * text longer than the excerpt rule allows, no stack trace.
 */
import { EXCERPT_CHARS } from '../../lambda/domain/errors';
import { normalizeCaller } from '../../lambda/domain/numbers';

/** The strings of an input, however deep in it they are (keys included). */
export function stringsOf(value: unknown, found: string[] = [], depth = 0): string[] {
  if (depth > 40) return found;
  if (typeof value === 'string') found.push(value);
  else if (typeof value === 'number') found.push(String(value));
  else if (Array.isArray(value)) for (const each of value) stringsOf(each, found, depth + 1);
  else if (value && typeof value === 'object') {
    for (const [key, each] of Object.entries(value)) {
      found.push(key);
      stringsOf(each, found, depth + 1);
    }
  }
  return found;
}

/** The numbers an input string holds, as digits: as written, and as the caller key it stands for. */
function numbersIn(text: string): string[] {
  const digits = text.replace(/\D/g, '');
  const numbers = digits.length >= 7 ? [digits] : [];
  try {
    const caller = normalizeCaller(text, '31');
    if (caller.kind === 'public') numbers.push(caller.key);
  } catch {
    // Not a number: nothing more to look for.
  }
  return numbers;
}

/**
 * What `output` repeats that it must not: a whole number of the inputs, a run of more than
 * `EXCERPT_CHARS` + 1 characters of one of them, or a stack trace. Empty when nothing leaks.
 * `allowed` are texts the output may hold whole (the request's own path, known words).
 */
export function leaksIn(
  output: string,
  inputs: readonly string[],
  allowed: readonly string[] = [],
): string[] {
  const leaks: string[] = [];
  let scrubbed = output;
  for (const text of allowed) scrubbed = scrubbed.split(text).join('');
  if (/\n\s+at \S|node_modules\/|\.ts:\d+:\d+/.test(scrubbed)) leaks.push('a stack trace');
  const window = EXCERPT_CHARS + 2;
  // Every number the output shows, its separators taken out: `+31 6 1234 5678` is 31612345678.
  const numbersShown = [...scrubbed.matchAll(/\d(?:[\s\-./()]*\d)*/g)].map((match) =>
    match[0].replace(/\D/g, ''),
  );
  for (const input of inputs) {
    for (const number of numbersIn(input)) {
      if (numbersShown.includes(number)) leaks.push(`the number ${number.slice(0, 4)}…`);
    }
    for (let at = 0; at + window <= input.length; at += 1) {
      const run = input.slice(at, at + window);
      if (run.trim().length === window && scrubbed.includes(run)) {
        leaks.push(`a run of ${window} characters of an input`);
        break;
      }
    }
  }
  return leaks;
}
