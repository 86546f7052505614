import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalSecrets, localSecretsFile } from '../../../local/secrets';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'local-secrets-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const held = () => JSON.parse(readFileSync(localSecretsFile(dataDir), 'utf8'));

describe('the local connector secrets', () => {
  it('are made for every shipped connector on the first start', () => {
    ensureLocalSecrets(dataDir, 'demo');
    expect(Object.keys(held().demo)).toEqual(['moneybird', 'zendesk', 'hubspot', 'pipedrive']);
  });

  it("gain a connector shipped since, keeping every secret held and other companies' as they are", () => {
    const before = {
      demo: {
        moneybird: { secrets: ['kept-moneybird-secret'] },
        zendesk: { secrets: ['kept-zendesk-secret'] },
      },
      other: { moneybird: { secrets: ['other-secret'] } },
    };
    writeFileSync(localSecretsFile(dataDir), JSON.stringify(before));
    ensureLocalSecrets(dataDir, 'demo');
    const after = held();
    expect([after.demo.moneybird, after.demo.zendesk, after.other]).toEqual([
      before.demo.moneybird,
      before.demo.zendesk,
      before.other,
    ]);
    expect(after.demo.hubspot.secrets[0]).toMatch(/^\S{20,}$/);
    const text = readFileSync(localSecretsFile(dataDir), 'utf8');
    ensureLocalSecrets(dataDir, 'demo');
    expect(readFileSync(localSecretsFile(dataDir), 'utf8')).toBe(text);
  });

  it('leave a file that is no secret document as it is', () => {
    writeFileSync(localSecretsFile(dataDir), '{ not json');
    ensureLocalSecrets(dataDir, 'demo');
    expect(readFileSync(localSecretsFile(dataDir), 'utf8')).toBe('{ not json');
  });
});
