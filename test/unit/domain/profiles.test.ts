import { readFileSync } from 'node:fs';
import { ProfileConfigError } from '../../../lambda/domain/errors';
import { parseProfiles, SHIPPED_PROFILES } from '../../../lambda/domain/profiles';
import { COOKBOOK_PROFILES_FILE } from '../../../local/demo';

const rest = { name: 'rest', answer: 'default' };
const withRules = (...rules: unknown[]) => ({ default: { rules } });

describe('parseProfiles', () => {
  it('accepts the cookbook of profiles built from configuration only', () => {
    const cookbook = parseProfiles(JSON.parse(readFileSync(COOKBOOK_PROFILES_FILE, 'utf8')));
    expect([...cookbook.keys()]).toEqual(['default', 'vip', 'language', 'account-manager', 'blocked']);
    expect(cookbook.get('default')).toEqual(parseProfiles(SHIPPED_PROFILES).get('default'));
  });

  it('accepts the shipped profiles', () => {
    const profile = parseProfiles(SHIPPED_PROFILES).get('default');
    expect(profile?.rules.map((rule) => rule.name)).toEqual([
      'unpaid-invoices',
      'open-ticket',
      'recent-agent',
      'otherwise',
    ]);
    expect(profile?.rules[2]?.when.lastAgentWithin).toBe(30 * 86_400_000);
  });

  it.each<[string, unknown, string]>([
    ['not an object', [], 'profiles must be a JSON object'],
    ['no default profile', { sales: { rules: [rest] } }, 'a profile named "default" is required'],
    [
      'a bad profile name',
      { default: { rules: [rest] }, 'Bad Name': { rules: [rest] } },
      'profile name "Bad Name"',
    ],
    ['no rules', { default: { rules: [] } }, 'profile "default": rules must be a non-empty array'],
    ['an unknown profile key', { default: { rules: [rest], extra: 1 } }, 'unknown key "extra"'],
    [
      'an unknown condition',
      withRules({ name: 'r1', when: { unpaid: 1 }, answer: 'x' }, rest),
      'profile "default", rule 1 ("r1"): when: unknown condition "unpaid"',
    ],
    [
      'an unknown template field',
      withRules({ name: 'r1', when: { known: true }, answer: '{agent}' }, rest),
      'rule 1 ("r1"): answer inserts unknown field "{agent}"',
    ],
    [
      'an answer with a space',
      withRules({ name: 'r1', when: { known: true }, answer: 'to finance' }, rest),
      'rule 1 ("r1"): answer "to finance" must be',
    ],
    [
      'a bad duration',
      withRules({ name: 'r1', when: { lastAgentWithin: '30 days' }, answer: 'x' }, rest),
      'rule 1 ("r1"): lastAgentWithin must be a duration',
    ],
    [
      'a zero count',
      withRules({ name: 'r1', when: { openInvoicesAtLeast: 0 }, answer: 'x' }, rest),
      'openInvoicesAtLeast must be a whole number of at least 1',
    ],
    [
      'an invoice count above what a contact is sure to hold',
      withRules({ name: 'r1', when: { openInvoicesAtLeast: 101 }, answer: 'x' }, rest),
      'rule 1 ("r1"): openInvoicesAtLeast must be at most 100, got 101',
    ],
    ['a bad kind', withRules({ name: 'r1', when: { kind: 'anonymous' }, answer: 'x' }, rest), 'kind must be'],
    ['a rule without a name', withRules({ answer: 'x' }, rest), 'profile "default", rule 1: name must be'],
    [
      'a last rule with conditions',
      withRules({ name: 'r1', when: { known: true }, answer: 'x' }),
      'the last rule ("r1") must have no conditions',
    ],
    [
      'a last rule with a placeholder',
      withRules({ name: 'r1', answer: '{lastAgent}' }),
      'must answer a plain token',
    ],
    [
      'two rules with one name',
      withRules({ name: 'rest', when: { known: true }, answer: 'x' }, rest),
      'two rules are named',
    ],
    [
      'agentAvailable on an answer that inserts no agent',
      withRules({ name: 'r1', when: { agentAvailable: true }, answer: 'sales' }, rest),
      'rule 1 ("r1"): agentAvailable needs an answer that inserts one agent',
    ],
    [
      'agentAvailable false',
      withRules({ name: 'r1', when: { agentAvailable: false }, answer: '{lastAgent}' }, rest),
      'agentAvailable must be true',
    ],
    [
      'a tag with a space',
      withRules({ name: 'r1', when: { hasTag: 'big spender' }, answer: 'x' }, rest),
      'rule 1 ("r1"): hasTag must be a tag or a list of tags',
    ],
    [
      'an empty list of tags',
      withRules({ name: 'r1', when: { lacksTag: [] }, answer: 'x' }, rest),
      'rule 1 ("r1"): lacksTag must be a tag or a list of tags',
    ],
    [
      'an attribute name that is not one',
      withRules({ name: 'r1', when: { attribute: { '1st': 'x' } }, answer: 'x' }, rest),
      'rule 1 ("r1"): attribute: "1st" is not an attribute name',
    ],
    [
      'an attribute without a value',
      withRules({ name: 'r1', when: { attribute: { language: [] } }, answer: 'x' }, rest),
      'rule 1 ("r1"): attribute: language must be a value, a list of values, or "*"',
    ],
    [
      'an attribute test that is not an object',
      withRules({ name: 'r1', when: { attribute: 'language' }, answer: 'x' }, rest),
      'attribute must be an object of attribute name',
    ],
    [
      'an inserted attribute with a bad name',
      withRules({ name: 'r1', when: { known: true }, answer: '{attributes.my-manager}' }, rest),
      'answer inserts unknown field "{attributes.my-manager}"',
    ],
    [
      'a bad anonymous answer',
      { default: { anonymous: 'no one', rules: [rest] } },
      'profile "default": anonymous',
    ],
  ])('rejects %s', (_name, input, message) => {
    expect(() => parseProfiles(input)).toThrow(ProfileConfigError);
    expect(() => parseProfiles(input)).toThrow(message);
  });
});
