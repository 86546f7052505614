/**
 * Every text of the console in Dutch and English, the language the browser prefers, and times
 * as the platform keeps them: Europe/Amsterdam.
 */
const EN = {
  title: 'Callvoip webhook console',
  skip: 'Skip to the content',
  signIn: 'Sign in',
  token: 'Admin token',
  tokenHelp: 'The admin token of this deployment. It stays in this tab only and is gone when you close it.',
  company: 'Company (com_id)',
  wrongToken: 'This token is wrong or has expired: type it again.',
  otherCompany: 'This token does not open company {company}.',
  signOut: 'Sign out',
  agents: 'Agents',
  caller: 'Caller',
  connectors: 'Connectors',
  setup: 'Set-up',
  loading: 'Loading…',
  unreachable: 'The admin API did not answer. Try again in a moment.',
  agent: 'Agent',
  name: 'Name',
  status: 'Status',
  aliases: 'Aliases',
  actions: 'Actions',
  available: 'Available',
  awayUntil: 'Away until {time}',
  awayForGood: 'Away until further notice',
  awayByPresence: 'Away in Teams (presence sync)',
  byReplies: '(automatic replies in Outlook)',
  awayToday: 'Away for the rest of today',
  awayUntilDate: 'Away until a date',
  backOn: 'Back on',
  setAway: 'Mark away',
  untilFurtherNotice: 'Until further notice',
  back: 'Back',
  noAgents: 'No agent is marked away and none has aliases: every agent counts as available.',
  editAgent: 'Add or change an agent',
  agentHelp: 'The extension or SIP account the belplan routes to, e.g. 1003.',
  aliasesHelp:
    'Names other systems know them by, comma-separated: their email, zendesk:<id>, hubspot:<owner id>, pipedrive:<user id>.',
  save: 'Save',
  saved: 'Saved. Calls follow within {seconds} s.',
  savedNow: 'Saved. The next call follows it.',
  number: 'Phone number',
  numberHelp: 'In any notation: 020-123 45 67, +31 20 1234567, 0031…',
  look: 'Look up',
  unknownCaller: 'Nothing is known about this caller yet.',
  facts: 'Facts',
  openInvoices: 'Unpaid invoices',
  ticketAgent: 'Agent of the open ticket',
  lastAgent: 'Last spoke to',
  calls: 'Calls',
  lastCall: 'Last call',
  tags: 'Tags',
  attributes: 'Attributes',
  none: 'none',
  from: 'from {source}',
  noAgentBecause: 'no agent: {why}',
  routes: 'Where a call goes now',
  profile: 'Profile',
  answer: 'Answer',
  rule: 'Rule',
  skipped: 'Skipped',
  edit: 'Change',
  addTag: 'Add a tag',
  removeTag: 'Remove tag {tag}',
  attributeName: 'Attribute',
  attributeValue: 'Value',
  setAttribute: 'Set attribute',
  removeAttribute: 'Remove attribute {name}',
  erase: 'Erase this caller',
  eraseConfirm: 'Erase everything held about {number}? This cannot be undone.',
  erased: 'Erased.',
  cancel: 'Cancel',
  source: 'Source',
  lastEvent: 'Last delivery',
  last24h: 'Last 24 hours',
  accepted: 'accepted',
  duplicate: 'duplicate',
  ignored: 'ignored',
  refused: 'refused',
  unreadable: 'unreadable',
  failed: 'failed',
  never: 'never',
  noActivity: 'No connector or AI Notulist has reported yet.',
  stale: 'Nothing for more than a day: check the webhook in {source}.',
  troubled: 'Deliveries were refused or failed: check the secret and the webhook in {source}.',
  webhookUrl: 'Webhook app URL',
  webhookHelp:
    'In the belplan, a Webhook app with method POST and this URL. Replace <YOUR TOKEN> with your webhook token (not the admin token).',
  copy: 'Copy',
  copied: 'Copied.',
  timeout: 'Request timeout to set',
  branches: 'Voorwaarde-app branches',
  anAgent: "an agent's extension ({field})",
  anAttribute: 'the value of {field}',
  fallback: 'fallback (when the table is slow)',
  anonymous: 'anonymous callers',
  emptyBranch: 'the default branch also catches an empty variable (no answer in time)',
  'source.manual': 'entered by hand',
  'source.handled': 'from a handled-call report',
  'source.notulist': 'from the AI Notulist',
  'source.cdr': 'from the CDR report',
} as const;

export type MessageKey = keyof typeof EN;

const NL: Record<MessageKey, string> = {
  title: 'Callvoip webhook-console',
  skip: 'Naar de inhoud',
  signIn: 'Inloggen',
  token: 'Admin-token',
  tokenHelp:
    'Het admin-token van deze installatie. Het blijft alleen in dit tabblad en verdwijnt als u het sluit.',
  company: 'Bedrijf (com_id)',
  wrongToken: 'Dit token klopt niet of is verlopen: typ het opnieuw.',
  otherCompany: 'Dit token geeft geen toegang tot bedrijf {company}.',
  signOut: 'Uitloggen',
  agents: 'Medewerkers',
  caller: 'Beller',
  connectors: 'Koppelingen',
  setup: 'Instellen',
  loading: 'Laden…',
  unreachable: 'De admin-API antwoordde niet. Probeer het zo opnieuw.',
  agent: 'Medewerker',
  name: 'Naam',
  status: 'Status',
  aliases: 'Aliassen',
  actions: 'Acties',
  available: 'Beschikbaar',
  awayUntil: 'Afwezig tot {time}',
  awayForGood: 'Afwezig tot nader order',
  awayByPresence: 'Afwezig in Teams (aanwezigheid)',
  byReplies: '(automatisch antwoord in Outlook)',
  awayToday: 'Afwezig de rest van vandaag',
  awayUntilDate: 'Afwezig tot een datum',
  backOn: 'Terug op',
  setAway: 'Afwezig melden',
  untilFurtherNotice: 'Tot nader order',
  back: 'Terug',
  noAgents: 'Niemand is afwezig gemeld en niemand heeft aliassen: iedere medewerker telt als beschikbaar.',
  editAgent: 'Medewerker toevoegen of wijzigen',
  agentHelp: 'Het toestel of SIP-account waar het belplan naar doorverbindt, bijv. 1003.',
  aliasesHelp:
    'Namen waaronder andere systemen hen kennen, gescheiden door komma’s: hun e-mail, zendesk:<id>, hubspot:<owner-id>, pipedrive:<gebruiker-id>.',
  save: 'Opslaan',
  saved: 'Opgeslagen. Gesprekken volgen binnen {seconds} s.',
  savedNow: 'Opgeslagen. Het volgende gesprek volgt het.',
  number: 'Telefoonnummer',
  numberHelp: 'In elke schrijfwijze: 020-123 45 67, +31 20 1234567, 0031…',
  look: 'Opzoeken',
  unknownCaller: 'Over deze beller is nog niets bekend.',
  facts: 'Gegevens',
  openInvoices: 'Openstaande facturen',
  ticketAgent: 'Medewerker van het open ticket',
  lastAgent: 'Laatst gesproken met',
  calls: 'Gesprekken',
  lastCall: 'Laatste gesprek',
  tags: 'Labels',
  attributes: 'Kenmerken',
  none: 'geen',
  from: 'uit {source}',
  noAgentBecause: 'geen medewerker: {why}',
  routes: 'Waar een gesprek nu heen gaat',
  profile: 'Profiel',
  answer: 'Antwoord',
  rule: 'Regel',
  skipped: 'Overgeslagen',
  edit: 'Wijzigen',
  addTag: 'Label toevoegen',
  removeTag: 'Label {tag} verwijderen',
  attributeName: 'Kenmerk',
  attributeValue: 'Waarde',
  setAttribute: 'Kenmerk instellen',
  removeAttribute: 'Kenmerk {name} verwijderen',
  erase: 'Deze beller wissen',
  eraseConfirm: 'Alles over {number} wissen? Dit kan niet ongedaan worden gemaakt.',
  erased: 'Gewist.',
  cancel: 'Annuleren',
  source: 'Bron',
  lastEvent: 'Laatste bericht',
  last24h: 'Afgelopen 24 uur',
  accepted: 'verwerkt',
  duplicate: 'dubbel',
  ignored: 'genegeerd',
  refused: 'geweigerd',
  unreadable: 'onleesbaar',
  failed: 'mislukt',
  never: 'nooit',
  noActivity: 'Nog geen koppeling of AI Notulist heeft iets gemeld.',
  stale: 'Al meer dan een dag niets: controleer de webhook in {source}.',
  troubled: 'Berichten werden geweigerd of mislukten: controleer het geheim en de webhook in {source}.',
  webhookUrl: 'URL voor de Webhook-app',
  webhookHelp:
    'In het belplan een Webhook-app met methode POST en deze URL. Vervang <YOUR TOKEN> door uw webhook-token (niet het admin-token).',
  copy: 'Kopiëren',
  copied: 'Gekopieerd.',
  timeout: 'In te stellen time-out',
  branches: 'Takken van de Voorwaarde-app',
  anAgent: 'het toestel van een medewerker ({field})',
  anAttribute: 'de waarde van {field}',
  fallback: 'terugval (als de tabel traag is)',
  anonymous: 'anonieme bellers',
  emptyBranch: 'de standaardtak vangt ook een lege variabele op (geen antwoord op tijd)',
  'source.manual': 'handmatig ingevoerd',
  'source.handled': 'uit een gespreksmelding',
  'source.notulist': 'uit de AI Notulist',
  'source.cdr': 'uit het CDR-rapport',
};

/** The language the console speaks: Dutch when the browser prefers it, else English. */
export const LANGUAGE: 'nl' | 'en' = (navigator.languages ?? [navigator.language]).some((language) =>
  language.toLowerCase().startsWith('nl'),
)
  ? 'nl'
  : 'en';

const MESSAGES: Record<MessageKey, string> = LANGUAGE === 'nl' ? NL : EN;

/** A text, its `{placeholders}` filled in. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  return MESSAGES[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

export const TIME_ZONE = 'Europe/Amsterdam';
const LOCALE = LANGUAGE === 'nl' ? 'nl-NL' : 'en-GB';
// Made on first use: a formatter with a time zone costs Chromium 30-60 ms, which the sign-in
// page would otherwise wait for before its first paint.
let dateTime: Intl.DateTimeFormat | undefined;
let day: Intl.DateTimeFormat | undefined;

/** Where a fact came from, in words: `entered by hand`, `from the AI Notulist`, a connector `from moneybird`. */
export function sourcePhrase(source: string): string {
  const key = `source.${source}`;
  return key in MESSAGES ? MESSAGES[key as MessageKey] : t('from', { source });
}

/** A time as people in Amsterdam read it. */
export function when(iso: string | number | undefined): string {
  if (iso === undefined || iso === '' || iso === 0) return t('never');
  dateTime ??= new Intl.DateTimeFormat(LOCALE, {
    timeZone: TIME_ZONE,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return dateTime.format(new Date(iso));
}

/** Today's date in Amsterdam, `YYYY-MM-DD`. */
export function today(): string {
  day ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return day.format(new Date());
}
