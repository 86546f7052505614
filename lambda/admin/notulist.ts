/**
 * The AI Notulist webhook as a source of "who answered": from its payload only the `call`
 * object is read (`from` the caller, `to` the colleague who answered, `dated`). The summary
 * (`title`, `overview`, `notes`, `outcomes`) is personal data this product has no use for:
 * it is never read, stored or logged. Pure.
 */
import { ValidationError } from '../domain/errors';
import { callReportId, colleagueOf, type HandledReport, laterOf } from '../domain/handled-calls';
import { type Caller, InvalidNumberError, normalizeCaller } from '../domain/numbers';
import { reportTime } from '../domain/times';

/** What a notulist payload means for the caller table. */
export type NotulistOutcome =
  | { kind: 'report'; callerKey: string; report: HandledReport }
  | { kind: 'ignored'; reason: string };

/**
 * Reads a notulist payload. A call not answered by a colleague (`to` empty, an external
 * number) or from an anonymous or secret caller is `ignored`, with the reason.
 * @throws ValidationError naming `call` when it is missing, or `call.dated` when it is not a time.
 */
export function readNotulist(
  body: Record<string, unknown>,
  defaultCountryCode: string,
  nowMs: number,
): NotulistOutcome {
  const call = body.call;
  if (typeof call !== 'object' || call === null || Array.isArray(call)) {
    throw new ValidationError('call', 'is required: the object with from, to, via and dated');
  }
  const { from, to, dated } = call as Record<string, unknown>;
  const { atMs, latestMs } = reportTime(dated, 'call.dated', nowMs);
  const caller = callerOf(from, defaultCountryCode);
  if (!caller) return { kind: 'ignored', reason: 'call.from is not a phone number' };
  if (caller.kind === 'anonymous')
    return { kind: 'ignored', reason: 'the caller is anonymous or a secret number' };
  const agent = colleagueOf(to, defaultCountryCode);
  if (!agent)
    return { kind: 'ignored', reason: 'call.to is not a colleague (not answered, or answered outside)' };
  return {
    kind: 'report',
    callerKey: caller.key,
    report: { agent, id: callReportId(caller.key, agent, atMs), atMs, ...laterOf(atMs, latestMs) },
  };
}

function callerOf(value: unknown, defaultCountryCode: string): Caller | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return normalizeCaller(String(value), defaultCountryCode);
  } catch (error) {
    if (error instanceof InvalidNumberError) return undefined;
    throw error;
  }
}
