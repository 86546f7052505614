import { recordCallInput } from '../../../lambda/store/call-recorder';

const table = { tableName: 'callers', retentionDays: 400 };
const nowMs = 1_700_000_000_123;

describe('recordCallInput, the hot path UpdateItem', () => {
  it('counts the call atomically and returns the item as it was, under the company-scoped key', () => {
    const input = recordCallInput(table, { comId: 'acme', callerKey: '31152026057', uuid: 'u-1', nowMs });
    expect(input).toMatchObject({
      TableName: 'callers',
      Key: { pk: { S: 'acme#31152026057' } },
      ReturnValues: 'ALL_OLD',
    });
    expect(input.UpdateExpression).toMatch(/ADD calls :one$/);
    expect(input.ExpressionAttributeValues).toMatchObject({
      ':one': { N: '1' },
      ':now': { N: String(nowMs) },
      ':nowSeconds': { N: '1700000000' },
      ':expires': { N: String(1_700_000_000 + 400 * 86_400) },
      ':comId': { S: 'acme' },
      ':entry': { S: `u-1\u001f${nowMs}` },
    });
  });

  it('puts the call first in the register of the last calls, shifting the others on in the same step', () => {
    const input = recordCallInput(table, { comId: 'acme', callerKey: '31152026057', uuid: 'u-1', nowMs });
    expect(input.UpdateExpression).toMatch(
      /^SET call8 = if_not_exists\(call7, :emptySlot\), .*call1 = if_not_exists\(call0, :emptySlot\), call0 = :entry, /,
    );
  });

  it('refuses to count a uuid that one of the last 8 calls had', () => {
    const input = recordCallInput(table, { comId: 'acme', callerKey: '31152026057', uuid: 'u-1', nowMs });
    expect(input.ConditionExpression).toContain('NOT (begins_with(call0, :uuid) OR');
    expect(input.ConditionExpression).toContain('begins_with(call7, :uuid))');
    expect(input.ConditionExpression).not.toContain('call8, :uuid');
    expect(input.ExpressionAttributeValues?.[':uuid']).toEqual({ S: 'u-1\u001f' });
  });

  it('counts every call without a uuid', () => {
    const input = recordCallInput(table, { comId: 'acme', callerKey: 'ext:1003', uuid: undefined, nowMs });
    expect(input.ConditionExpression).not.toContain(':uuid');
    expect(input.ExpressionAttributeValues?.[':entry']).toEqual({ S: `\u001f${nowMs}` });
  });

  it('writes only while the item has not expired', () => {
    const input = recordCallInput(table, { comId: 'acme', callerKey: 'ext:1003', uuid: undefined, nowMs });
    expect(input.ConditionExpression).toContain('attribute_not_exists(expiresAt) OR expiresAt > :nowSeconds');
  });
});
