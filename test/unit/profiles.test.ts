import { DEFAULT_PROFILES_JSON, ProfileConfigError, parseProfiles } from '../../lambda/profiles';

const rest = { name: 'rest', answer: 'default' };
const withRules = (...rules: unknown[]) => ({ default: { rules } });

describe('parseProfiles', () => {
  it('accepts the shipped profiles', () => {
    const profile = parseProfiles(DEFAULT_PROFILES_JSON).get('default');
    expect(profile?.rules.map((rule) => rule.name)).toEqual([
      'unpaid-invoices',
      'open-ticket',
      'recent-agent',
      'otherwise',
    ]);
    expect(profile?.rules[2]?.when.lastAgentWithinMs).toBe(30 * 86_400_000);
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
      'a bad anonymous answer',
      { default: { anonymous: 'no one', rules: [rest] } },
      'profile "default": anonymous',
    ],
  ])('rejects %s', (_name, input, message) => {
    expect(() => parseProfiles(input)).toThrow(ProfileConfigError);
    expect(() => parseProfiles(input)).toThrow(message);
  });
});
