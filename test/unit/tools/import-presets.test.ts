import { planImport } from '../../../tools/import';
import { importPreset } from '../../../tools/import-presets';

const NOW = Date.UTC(2026, 11, 1, 12);
const directory = new Map([
  ['jsmith@example.com', '1007'],
  ['hubspot:6166860', '1007'],
]);
const preset = (name: string) => ({ preset: importPreset(name), directory });

describe('import --preset hubspot', () => {
  it("reads HubSpot's export: both phone columns as callers, the owner by email or id, the lifecycle stage", () => {
    const csv = [
      'Record ID,First Name,Phone Number,Mobile Phone Number,Contact owner,Lifecycle Stage',
      '512,Jane,+31 20 123 4567,06 1234 5678,JSmith@example.com,customer',
      '513,Joe,020 765 4321,,Joe Owner,lead',
      '514,Nobody,,,,',
    ].join('\n');
    const plan = planImport(csv, '31', NOW, { preset: preset('hubspot') });
    expect(plan.rows.map((row) => [row.line, row.callerKey, row.facts.attributes])).toEqual([
      [2, '31201234567', { lifecycleStage: 'customer', accountManager: '1007' }],
      [2, '31612345678', { lifecycleStage: 'customer', accountManager: '1007' }],
      [3, '31207654321', { lifecycleStage: 'lead' }],
    ]);
    expect(plan.rejected).toEqual([{ line: 4, reason: 'has no phone number' }]);
    expect([plan.unknownOwners, plan.ignoredColumns]).toEqual([1, ['Record ID', 'First Name']]);
  });

  it('reads the internal names of an API-style export, the owner id as the hubspot: alias', () => {
    const csv = ['phone,hubspot_owner_id', '0201234567,6166860'].join('\n');
    const plan = planImport(csv, '31', NOW, { preset: preset('hubspot') });
    expect(plan.rows[0]?.facts.attributes).toEqual({ accountManager: '1007' });
  });
});

describe('import --preset pipedrive', () => {
  it("reads Pipedrive's export: every phone column, several numbers in one cell, labels as tags", () => {
    const csv = [
      'Person - Name;Person - Phone - Work;Person - Phone - Mobile;Person - Owner;Person - Labels',
      'Jan;020-1234567, 030-1234567;06-12345678;jsmith@example.com;VIP, Cold lead',
    ].join('\n');
    const plan = planImport(csv, '31', NOW, { preset: preset('pipedrive') });
    expect(plan.rows.map((row) => row.callerKey)).toEqual(['31201234567', '31301234567', '31612345678']);
    expect(plan.rows[0]?.facts).toMatchObject({
      tags: { set: ['vip', 'cold-lead'] },
      attributes: { accountManager: '1007' },
    });
  });

  it('refuses an export without a phone column it knows, naming them', () => {
    expect(() => planImport('Name,Email\nJan,j@x.nl', '31', NOW, { preset: preset('pipedrive') })).toThrow(
      'the header row has none of the phone columns of this preset (person - phone, phone)',
    );
  });
});
