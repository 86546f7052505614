/**
 * The CRM connectors as declarations: HubSpot's one-property events and Pipedrive's whole
 * persons read from their documented examples and the stand-ins' events, and a deployment's
 * own facts added to them by configuration.
 */
import { HUBSPOT, PIPEDRIVE } from '../../../lambda/connectors/builtin';
import { connectorDeclarations } from '../../../lambda/connectors/config';
import { type EventReading, readDelivery, resolveAgents } from '../../../lambda/connectors/engine';
import {
  contactCreation,
  contactDeletion,
  contactMerge,
  propertyChange,
} from '../../../local/standins/hubspot';
import { personEvent, pipedrivePerson } from '../../../local/standins/pipedrive';
import { pipedriveLabelAsTag } from '../../support/mappings';
import { fixture } from '../../support/paths';

const NOW = Date.UTC(2026, 11, 1, 12);
const context = { nowMs: NOW, signedAtMs: NOW - 1000, defaultCountryCode: '31' };
const json = (name: string) => JSON.parse(fixture(`connectors/${name}`));
type Read = Extract<EventReading, { change: unknown }>;
const changeOf = (reading: EventReading | undefined): Read => {
  if (!reading || !('change' in reading)) throw new Error(`not read: ${JSON.stringify(reading)}`);
  return reading;
};

describe('the HubSpot connector reads', () => {
  it("the documentation's example: a property nobody mapped and a creation, each acknowledged on its own", () => {
    expect(readDelivery(HUBSPOT, json('hubspot/classic-webhook-example.json'), context)).toEqual([
      { event: 'contact.propertyChange', ignored: 'property-not-mapped' },
      { event: 'contact.creation', ignored: 'not-a-property-change' },
    ]);
  });

  it.each([
    ['phone', '+31 20 123 4567', ['31201234567']],
    ['mobilephone', '06-12345678', ['31612345678']],
    ['phone', '', []],
  ])('a change of %s to "%s" as the numbers of that field only', (field, value, keys) => {
    const [reading] = readDelivery(HUBSPOT, [propertyChange(512, field, value, NOW - 5000)], context);
    expect(changeOf(reading).change).toEqual({
      source: 'hubspot',
      contact: '512',
      numbers: { keys, version: NOW - 5000, field },
      records: [],
    });
  });

  it('an owner change as the account manager, through the owner id alias', () => {
    const [reading] = readDelivery(
      HUBSPOT,
      [propertyChange(512, 'hubspot_owner_id', '6166860', NOW - 5000)],
      context,
    );
    const read = changeOf(reading);
    expect(read.owners).toEqual({ accountManager: ['hubspot:6166860'] });
    const placed = resolveAgents(read, new Map([['hubspot:6166860', '1007']]));
    expect(placed.records).toEqual([
      {
        kind: 'attribute',
        key: 'accountManager',
        version: NOW - 5000,
        storedAtMs: NOW,
        assignee: 'hubspot:6166860',
        agent: '1007',
        value: '1007',
      },
    ]);
    const unknown = resolveAgents(read, new Map());
    expect(unknown.records[0]).toMatchObject({ assignee: 'hubspot:6166860' });
    expect(unknown.records[0]?.value).toBeUndefined();
  });

  it('an owner removed as no account manager', () => {
    const [reading] = readDelivery(HUBSPOT, [propertyChange(512, 'hubspot_owner_id', '', NOW)], context);
    expect(changeOf(reading).change.records).toEqual([
      { kind: 'attribute', key: 'accountManager', version: NOW, storedAtMs: NOW, deleted: true },
    ]);
  });

  it('a deletion forgets the contact; a merge forgets the contacts merged into the one that stays', () => {
    const readings = readDelivery(
      HUBSPOT,
      [contactDeletion(7, NOW - 3000), contactMerge(512, [513, 514], NOW - 2000)],
      context,
    );
    expect(readings.map((reading) => changeOf(reading).change)).toEqual([
      { source: 'hubspot', contact: '7', numbers: { keys: [], version: NOW - 3000 + 0.5 }, records: [] },
      { source: 'hubspot', contact: '513', numbers: { keys: [], version: NOW - 2000 + 0.5 }, records: [] },
      { source: 'hubspot', contact: '514', numbers: { keys: [], version: NOW - 2000 + 0.5 }, records: [] },
    ]);
  });

  it('the event type under its older name, eventType', () => {
    const { subscriptionType, ...event } = propertyChange(9, 'phone', '0201234567', NOW);
    const [reading] = readDelivery(HUBSPOT, [{ ...event, eventType: subscriptionType }], context);
    expect(changeOf(reading).event).toBe('contact.propertyChange');
  });

  it('a creation as acknowledged and nothing more: its properties follow as changes or by the sync', () => {
    expect(readDelivery(HUBSPOT, [contactCreation(9, NOW)], context)).toEqual([
      { event: 'contact.creation', ignored: 'not-a-property-change' },
    ]);
  });
});

describe('the Pipedrive connector reads', () => {
  const person = pipedrivePerson(42, ['020-1234567', '+31 6 12345678'], {
    owner: 18487521,
    labels: [5],
    updatedAtMs: NOW - 60_000,
  });

  it("the documentation's v2 envelope: an event on a deal is no person", () => {
    const body = { meta: json('pipedrive/webhook-v2-meta.json'), data: {}, previous: null };
    expect(readDelivery(PIPEDRIVE, body, context)).toEqual([{ event: 'create', ignored: 'not-a-person' }]);
  });

  it("the documentation's v2 person under that envelope: its phones and its owner by id", () => {
    const meta = { ...json('pipedrive/webhook-v2-meta.json'), entity: 'person', entity_id: '1' };
    const [reading] = readDelivery(
      PIPEDRIVE,
      { meta, data: json('pipedrive/person-v2.json'), previous: null },
      context,
    );
    const read = changeOf(reading);
    // "12345" and "54321" are no phone numbers of a caller: counted, not kept.
    expect([read.change.contact, read.change.numbers, read.unreadableNumbers, read.owners]).toEqual([
      '1',
      { keys: [], version: Date.parse('2023-01-01T00:00:00.000Z') },
      2,
      { accountManager: ['pipedrive:1'] },
    ]);
  });

  it('a change: the whole person, every phone, ordered by the event time', () => {
    const [reading] = readDelivery(
      PIPEDRIVE,
      personEvent('change', person, NOW - 30_000, { phones: [] }),
      context,
    );
    expect(changeOf(reading).change.numbers).toEqual({
      keys: ['31201234567', '31612345678'],
      version: NOW - 30_000,
    });
  });

  it.each([
    ['a Unix seconds timestamp', Math.floor((NOW - 30_000) / 1000), NOW - 30_000],
    ['no timestamp: the update time', null, NOW - 60_000],
  ])('the time of %s in ms', (_case, timestamp, version) => {
    const event = personEvent('change', person, NOW);
    const [reading] = readDelivery(
      PIPEDRIVE,
      { ...event, meta: { ...event.meta, timestamp } },
      { ...context, signedAtMs: NOW },
    );
    expect(changeOf(reading).change.numbers?.version).toBe(version);
  });

  it('an owner given as v1 renders it: its email, then its id', () => {
    const event = personEvent('change', person, NOW);
    const v1Owner = { ...event, data: { ...person, owner_id: { id: 7, email: 'Anna@Acme.nl', value: 7 } } };
    expect(changeOf(readDelivery(PIPEDRIVE, v1Owner, context)[0]).owners).toEqual({
      accountManager: ['anna@acme.nl', 'pipedrive:7'],
    });
  });

  it('a webhook of version 1 as ignored, saying which version to register', () => {
    const v1 = {
      v: 1,
      matches_filters: null,
      meta: { v: 1, action: 'updated', object: 'person', id: 42 },
      current: person,
      previous: {},
    };
    expect(readDelivery(PIPEDRIVE, v1, context)).toEqual([
      { event: 'updated', ignored: 'webhooks-v1-not-read: register the webhook with version 2.0' },
    ]);
  });

  it('a delete (also one a merge made) forgets the person', () => {
    const [reading] = readDelivery(PIPEDRIVE, personEvent('delete', person, NOW - 1000), context);
    expect(changeOf(reading).change).toEqual({
      source: 'pipedrive',
      contact: '42',
      numbers: { keys: [], version: NOW - 1000 + 0.5 },
      records: [],
    });
  });
});

describe("a deployment's own facts on a shipped connector", () => {
  const connectors = connectorDeclarations(
    JSON.stringify([
      pipedriveLabelAsTag(5),
      {
        extends: 'hubspot',
        rules: [
          {
            when: "propertyName == 'hs_language'",
            contact: 'objectId',
            attributes: { language: 'propertyValue' },
            factsVersion: 'occurredAt',
          },
        ],
      },
    ]),
  );

  it('a Pipedrive label as a tag, beside everything the shipped rules read', () => {
    const person = pipedrivePerson(42, ['0201234567'], { owner: 3, labels: [5], updatedAtMs: NOW });
    const pipedrive = connectors.get('pipedrive');
    if (!pipedrive) throw new Error('no pipedrive');
    const read = (labels: number[]) =>
      changeOf(
        readDelivery(pipedrive, personEvent('change', { ...person, label_ids: labels }, NOW), context)[0],
      );
    const vip = read([5]);
    expect(vip.change.records).toEqual([
      { kind: 'tag', key: 'vip', version: NOW, storedAtMs: NOW },
      { kind: 'attribute', key: 'accountManager', version: NOW, storedAtMs: NOW },
    ]);
    expect(vip.change.numbers?.keys).toEqual(['31201234567']);
    expect(read([]).change.records[0]).toMatchObject({ kind: 'tag', key: 'vip', deleted: true });
  });

  it('a continuing rule on an event the shipped rules ignore does nothing', () => {
    const pipedrive = connectors.get('pipedrive');
    if (!pipedrive) throw new Error('no pipedrive');
    const deal = { meta: { action: 'change', entity: 'deal', timestamp: NOW }, data: { id: 1 } };
    expect(readDelivery(pipedrive, deal, context)).toEqual([{ event: 'change', ignored: 'not-a-person' }]);
  });

  it('a HubSpot property the deployment maps, before the shipped rules', () => {
    const hubspot = connectors.get('hubspot');
    if (!hubspot) throw new Error('no hubspot');
    const [reading] = readDelivery(hubspot, [propertyChange(512, 'hs_language', 'en', NOW)], context);
    expect(changeOf(reading).change.records).toEqual([
      { kind: 'attribute', key: 'language', version: NOW, storedAtMs: NOW, value: 'en' },
    ]);
    expect(hubspot.auth).toEqual({ scheme: 'hubspot-v3' });
  });
});
