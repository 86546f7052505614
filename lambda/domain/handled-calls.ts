/**
 * Who answered a call, wherever it is learned from (a CRM's `/handled`, the AI Notulist, the
 * CDR report): the report, what identifies it, and the colleague it names. Pure.
 */
import { displayNumber, InvalidNumberError, normalizeCaller } from './numbers';
import { ANSWER_TOKEN } from './tokens';

/** Whether a handled-call report changed the record or was already known. */
export type HandledOutcome = 'recorded' | 'duplicate' | 'older';

/** A report that an agent handled a call of a caller. */
export interface HandledReport {
  agent: string;
  /** What identifies the report (the call's uuid); a report delivered again counts once. */
  id: string;
  atMs: number;
  /**
   * The latest instant the report's time can mean, when later than `atMs` (a wall time of the
   * hour the clocks show twice): the report replaces a held one unless that is newer than this.
   */
  latestAtMs?: number;
  /** Who reported it, for the console: `handled` (a CRM), `notulist`, `cdr`, or `manual` (written as a fact). */
  via?: ReportSource;
}

/** Where a report of who handled a caller came from. */
export type ReportSource = 'handled' | 'notulist' | 'cdr' | 'manual';

/** The `latestAtMs` of a report, when its time can mean a later instant than `atMs`. */
export function laterOf(atMs: number, latestMs: number): Pick<HandledReport, 'latestAtMs'> {
  return latestMs > atMs ? { latestAtMs: latestMs } : {};
}

/**
 * What identifies a handled call wherever it is learned from (notulist, CDR report): the
 * caller, the colleague and the time. Delivered twice, it is recorded once.
 */
export function callReportId(callerKey: string, agent: string, atMs: number): string {
  return `call:${callerKey}:${agent}:${atMs}`;
}

/**
 * The colleague a call went to, as answers insert agents: an extension (`1003`) or a SIP
 * account (`sip:alice`). An external number or nothing is no colleague.
 */
export function colleagueOf(value: unknown, defaultCountryCode: string): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    const caller = normalizeCaller(String(value), defaultCountryCode);
    if (caller.kind !== 'internal') return undefined;
    const agent = displayNumber(caller.key);
    return ANSWER_TOKEN.test(agent) ? agent : undefined;
  } catch (error) {
    if (error instanceof InvalidNumberError) return undefined;
    throw error;
  }
}
