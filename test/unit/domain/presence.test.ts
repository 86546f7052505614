import { type AgentStatus, availabilityOf } from '../../../lambda/domain/availability';
import { DEFAULT_AWAY_STATES, presenceIsAway, repliesWindow } from '../../../lambda/domain/presence';
import { parsePresenceSettings } from '../../../lambda/presence/settings';

const AWAY = new Set(DEFAULT_AWAY_STATES.map((state) => state.toLowerCase()));
const NOW = Date.UTC(2026, 11, 1, 9, 0);
const HOUR = 3_600_000;

describe('what counts as away in Teams', () => {
  it.each<[string, object, boolean]>([
    ['Offline', { availability: 'Offline', activity: 'Offline' }, true],
    ['Away', { availability: 'Away', activity: 'Away' }, true],
    ['BeRightBack', { availability: 'BeRightBack' }, true],
    ['OffWork as the activity', { availability: 'Offline', activity: 'OffWork' }, true],
    [
      'OutOfOffice as the activity of an Available user',
      { availability: 'Available', activity: 'OutOfOffice' },
      true,
    ],
    [
      'out of office by its settings',
      { availability: 'Available', outOfOfficeSettings: { isOutOfOffice: true } },
      true,
    ],
    ['camelCase, as newer pages write it', { availability: 'offline', activity: 'beRightBack' }, true],
    ['Available', { availability: 'Available', activity: 'Available' }, false],
    ['Busy in a call (can be queued for)', { availability: 'Busy', activity: 'InACall' }, false],
    ['Busy in a meeting', { availability: 'Busy', activity: 'InAMeeting' }, false],
    ['DoNotDisturb', { availability: 'DoNotDisturb', activity: 'Presenting' }, false],
    ['PresenceUnknown (never strands anyone)', { availability: 'PresenceUnknown' }, false],
    ['nothing said', {}, false],
  ])('%s → away %s', (_name, presence, away) => {
    expect(presenceIsAway(presence, AWAY)).toBe(away);
  });

  it('follows a configured list instead, without case', () => {
    expect(presenceIsAway({ availability: 'Busy' }, new Set(['busy']))).toBe(true);
    expect(presenceIsAway({ availability: 'Offline' }, new Set(['busy']))).toBe(false);
  });
});

describe("automatic replies' window", () => {
  const at = (dateTime: string, timeZone = 'UTC') => ({ dateTime, timeZone });
  it.each<[string, object, object | undefined]>([
    ['disabled', { status: 'disabled' }, undefined],
    ['always on: away with no end', { status: 'alwaysEnabled' }, {}],
    [
      'scheduled in UTC',
      {
        status: 'scheduled',
        scheduledStartDateTime: at('2026-11-30T08:00:00.0000000'),
        scheduledEndDateTime: at('2026-12-04T17:00:00.0000000'),
      },
      { fromMs: Date.UTC(2026, 10, 30, 8), untilMs: Date.UTC(2026, 11, 4, 17) },
    ],
    [
      'scheduled in Amsterdam time by its Windows name',
      {
        status: 'Scheduled',
        scheduledStartDateTime: at('2026-11-30T08:00:00', 'W. Europe Standard Time'),
        scheduledEndDateTime: at('2026-12-04T17:00:00', 'Europe/Amsterdam'),
      },
      { fromMs: Date.UTC(2026, 10, 30, 7), untilMs: Date.UTC(2026, 11, 4, 16) },
    ],
    [
      'scheduled and over',
      { status: 'scheduled', scheduledEndDateTime: at('2026-11-30T08:00:00') },
      undefined,
    ],
    [
      'scheduled with an unreadable end: no end',
      { status: 'scheduled', scheduledEndDateTime: at('next week') },
      {},
    ],
  ])('%s', (_name, replies, window) => {
    expect(repliesWindow(replies, NOW)).toEqual(window);
  });
});

describe('a status set by hand beside what the sync found', () => {
  const synced = (away: object, expiresMs = NOW + HOUR) => ({ synced: { expiresMs, away } });
  it.each<[string, AgentStatus, object]>([
    ['nothing: available', { available: true }, { available: true }],
    [
      'away by hand, Teams Available',
      { available: false, setAtMs: NOW - HOUR },
      { available: false, via: 'manual' },
    ],
    [
      'away by hand until an hour ago, Teams Offline since: away by Teams',
      { available: false, untilMs: NOW - HOUR, ...synced({ presence: { since: NOW - 2 * HOUR } }) },
      { available: false, via: 'presence' },
    ],
    [
      'back by hand after Teams went Offline: available',
      { available: true, setAtMs: NOW - HOUR, ...synced({ presence: { since: NOW - 2 * HOUR } }) },
      { available: true },
    ],
    [
      'back by hand before Teams went Offline: away',
      { available: true, setAtMs: NOW - 3 * HOUR, ...synced({ presence: { since: NOW - 2 * HOUR } }) },
      { available: false, via: 'presence' },
    ],
    [
      'only the sync knows the agent, its layer expired: available',
      { available: true, handSet: false, ...synced({ presence: { since: NOW - HOUR } }, NOW - 1) },
      { available: true },
    ],
    [
      'automatic replies from tomorrow: available today',
      { available: true, handSet: false, ...synced({ replies: { fromMs: NOW + 24 * HOUR } }) },
      { available: true },
    ],
    [
      'automatic replies until Friday',
      {
        available: true,
        handSet: false,
        ...synced({ replies: { fromMs: NOW - HOUR, untilMs: NOW + 72 * HOUR } }),
      },
      { available: false, via: 'replies', untilMs: NOW + 72 * HOUR },
    ],
  ])('%s', (_name, status, availability) => {
    expect(availabilityOf(new Map([['1005', status]]), '1005', NOW)).toEqual(availability);
  });
});

describe('the presence setting', () => {
  const company = {
    comId: 'demo',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    appId: '11111111-2222-4333-8444-555555555555',
  };
  it('is off when not set, and has defaults', () => {
    expect(parsePresenceSettings(undefined)).toBeUndefined();
    expect(parsePresenceSettings(JSON.stringify({ companies: [company] }))).toMatchObject({
      intervalSeconds: 60,
      repliesEverySeconds: 900,
      expiryIntervals: 5,
    });
  });
  it.each<[string, object, string]>([
    ['no companies', {}, 'field presence.companies must list the companies'],
    [
      'a tenant that is no id',
      { companies: [{ ...company, tenantId: 'x' }] },
      "field presence.companies[0].tenantId must be the Entra tenant's id",
    ],
    [
      'an app that is no GUID',
      { companies: [{ ...company, appId: 'my-app' }] },
      'presence.companies[0].appId',
    ],
    [
      'a secret given as a setting',
      { companies: [{ ...company, clientSecret: 'x' }] },
      'unknown field clientSecret',
    ],
    ['a company twice', { companies: [company, company] }, 'names company demo twice'],
    [
      'replies more often than passes',
      { companies: [company], intervalSeconds: 120, repliesEverySeconds: 60 },
      'field presence.repliesEverySeconds must be a whole number from 120',
    ],
    [
      'an away state that is no name',
      { companies: [company], awayStates: ['Off line'] },
      'presence.awayStates[0]',
    ],
  ])('refuses %s, naming it', (_name, value, message) => {
    expect(() => parsePresenceSettings(JSON.stringify(value))).toThrow(message);
  });
});
