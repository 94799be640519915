import type { DialogState } from '../../app/core/ports/dialog';
import type { OrganizationalUnit } from '../../app/core/request/account-request';

/**
 * How people really talk to the bot: phrasings and short conversations with what the dialog must
 * make of them. Written the way people type (greetings, typos, questions instead of answers,
 * loose answers, corrections, several things in one sentence), not copied from the utterances.
 *
 * Each row is the turns of one conversation; only the last turn's result is checked. `lex` marks
 * the one-sentence rows the Lex bot built from the same model answers on its own; the parity test
 * (test/aws/dialog-parity.test.ts) runs those through the Lex adapter too.
 */
export interface Phrasing {
  group: string;
  say: string[];
  intent: string | null;
  state: DialogState;
  /** The slots after the last turn, exactly (omitted: not checked). */
  slots?: Record<string, string>;
  slotToElicit?: string;
  /** Something the last answer must say. */
  says?: RegExp;
  lex?: true;
  /** The slots Lex's NLU fills when they are not the result's (the topic of a question the bot answers itself). */
  heard?: Record<string, string>;
}

export const PHRASING_OUS: OrganizationalUnit[] = [{ name: 'Experiment' }, { name: 'Demos', id: 'ou-abcd-12345678' }];
export const PHRASING_USER = { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com' };

const ID = 'req-m3x1k2-1a2b3c4d';
const confirming = 'a sandbox account for ops@example.com in Demos';
const WITH_ALL = { AccountType: 'Sandbox', RootEmail: 'ops@example.com', AccountOU: 'Demos' };
const asking = (slot: string, slots: Record<string, string> = {}) => ({
  intent: 'VendAccount',
  state: 'ElicitSlot' as const,
  slotToElicit: slot,
  slots,
});
const confirm = (slots: Record<string, string>) => ({ intent: 'VendAccount', state: 'ConfirmIntent' as const, slots });
const answered = (intent: string, says?: RegExp) => ({ intent, state: 'Fulfilled' as const, slots: {}, ...(says ? { says } : {}) });
const handedOver = (intent: string, slots: Record<string, string> = {}) => ({ intent, state: 'ReadyForFulfillment' as const, slots });
const fallback = { intent: null, state: 'ElicitIntent' as const, slots: {}, says: /did not understand/ };

export const PHRASINGS: Phrasing[] = [
  // Greetings, thanks, small talk: a friendly answer that says what the bot does, never "I did not understand".
  { group: 'greeting', say: ['hello'], ...answered('Greeting', /^Hello Jane! I vend AWS accounts/), lex: true },
  { group: 'greeting', say: ['hi there!'], ...answered('Greeting', /new account/), lex: true },
  { group: 'greeting', say: ['Good morning :)'], ...answered('Greeting'), lex: true },
  { group: 'greeting', say: ['hey bot'], ...answered('Greeting'), lex: true },
  { group: 'greeting', say: ['thanks!'], ...answered('Thanks', /welcome/), lex: true },
  { group: 'greeting', say: ['thank you so much'], ...answered('Thanks'), lex: true },
  { group: 'greeting', say: ['cheers'], ...answered('Thanks'), lex: true },
  { group: 'greeting', say: ['how are you today?'], ...answered('SmallTalk', /account vending bot/), lex: true },
  { group: 'greeting', say: ['who are you?'], ...answered('SmallTalk'), lex: true },
  { group: 'greeting', say: ['tell me a joke'], ...answered('SmallTalk'), lex: true },
  { group: 'greeting', say: ['what can this bot do?'], ...answered('Help', /I vend AWS accounts/), lex: true },
  { group: 'greeting', say: ["I'm new here, how does it work?"], ...answered('Help') },
  { group: 'greeting', say: ['help!!'], ...answered('Help'), lex: true },
  // Nonsense still falls back.
  { group: 'fallback', say: ['asdfgh'], ...fallback, lex: true },
  { group: 'fallback', say: ['purple monkey dishwasher'], ...fallback, lex: true },
  { group: 'fallback', say: ['qwerty uiop'], ...fallback },

  // Typos and near-misses.
  { group: 'typo', say: ['i wnat a new acount plz'], ...asking('AccountType') },
  { group: 'typo', say: ['creat me an aws acount'], ...asking('AccountType') },
  { group: 'typo', say: ['new account', 'sandbx'], ...asking('RootEmail', { AccountType: 'Sandbox' }) },
  { group: 'typo', say: ['new account', 'Prodution'], ...asking('RootEmail', { AccountType: 'Production' }) },
  { group: 'typo', say: ['a sandbox account for ops@example.com', 'Experiement'], ...confirm({ ...WITH_ALL, AccountOU: 'Experiment' }) },
  { group: 'typo', say: ['whats the staus of my reqest'], ...handedOver('RequestStatus') },
  { group: 'typo', say: ['halp'], ...answered('Help') },

  // Questions in the middle of a slot: answered, then the same question again, no attempt counted.
  {
    group: 'question',
    say: ["I'd like an account", 'which OUs are there?'],
    ...asking('AccountType'),
    says: /You can choose Experiment or Demos/,
  },
  {
    group: 'question',
    say: ['new account', 'what types are there?'],
    ...asking('AccountType'),
    says: /You can choose Production or Sandbox/,
  },
  {
    group: 'question',
    say: ['a sandbox account please', 'what is a root e-mail?'],
    ...asking('RootEmail', { AccountType: 'Sandbox' }),
    says: /root user/,
  },
  {
    group: 'question',
    say: ['a sandbox account please', 'what do you mean?'],
    ...asking('RootEmail', { AccountType: 'Sandbox' }),
    says: /team mailbox/,
  },
  {
    group: 'question',
    say: ['a prod account for ops@example.com', "what's an OU?"],
    ...asking('AccountOU', { AccountType: 'Production', RootEmail: 'ops@example.com' }),
    says: /group in AWS Organizations/,
  },
  {
    group: 'question',
    say: ['new account', 'prod', 'how far along are we?'],
    ...asking('RootEmail', { AccountType: 'Production' }),
    says: /So far I have account type Production; I still need the root e-mail and the organizational unit/,
  },
  { group: 'question', say: ['new account', 'hello'], ...asking('AccountType'), says: /^Hello Jane!.*Production or Sandbox/s },
  { group: 'question', say: ['new account', 'sandbox', 'thanks'], ...asking('RootEmail', { AccountType: 'Sandbox' }), says: /welcome/ },
  { group: 'question', say: [confirming, 'what happens if I say yes?'], ...confirm(WITH_ALL), says: /send this request to the approvers/ },
  { group: 'question', say: [confirming, 'what is an OU again?'], ...confirm(WITH_ALL), says: /organizational unit is the group/ },
  { group: 'question', say: ['new account', `status of ${ID}`], ...handedOver('RequestStatus', { RequestId: ID }) },
  { group: 'question', say: ['what is a root email?'], ...answered('SlotQuestion', /root user/), lex: true, heard: { Topic: 'RootEmail' } },
  // The later topics are the Lex bot's closing branches (four per step): answered the same way.
  {
    group: 'question',
    say: ['whats a request id?'],
    ...answered('SlotQuestion', /id such as req-/),
    lex: true,
    heard: { Topic: 'RequestId' },
  },
  {
    group: 'question',
    say: ['why do you need a reason'],
    ...answered('SlotQuestion', /tells the approvers why/),
    lex: true,
    heard: { Topic: 'Reason' },
  },
  { group: 'question', say: ['huh?'], ...answered('SlotQuestion', /Ask me "what is a root e-mail\?"/), lex: true },
  {
    group: 'question',
    say: ['which OUs can I use?'],
    ...answered('SlotChoices', /Experiment or Demos/),
    lex: true,
    heard: { Topic: 'AccountOU' },
  },

  // Loose answers: taken when one value fits, asked back with the choices when several do.
  {
    group: 'loose',
    say: ['a production account for ops@example.com', 'the demo one'],
    ...confirm({ ...WITH_ALL, AccountType: 'Production' }),
  },
  { group: 'loose', say: ['new account', 'prod'], ...asking('RootEmail', { AccountType: 'Production' }) },
  { group: 'loose', say: ['new account', 'sand'], ...asking('RootEmail', { AccountType: 'Sandbox' }) },
  { group: 'loose', say: ['a sandbox account for ops@example.com', 'exp'], ...confirm({ ...WITH_ALL, AccountOU: 'Experiment' }) },
  {
    group: 'loose',
    say: ['new account', 'production or sandbox, not sure'],
    ...asking('AccountType'),
    says: /Did you mean Production or Sandbox\?/,
  },

  // Corrections and ways out.
  { group: 'correction', say: ['new account', 'sandbox', 'start over'], ...asking('AccountType'), says: /let's start again/ },
  { group: 'correction', say: ['start over'], ...asking('AccountType'), lex: true },
  { group: 'correction', say: [confirming, 'actually make it production'], ...confirm({ ...WITH_ALL, AccountType: 'Production' }) },
  { group: 'correction', say: [confirming, 'no wait, use Experiment'], ...confirm({ ...WITH_ALL, AccountOU: 'Experiment' }) },
  { group: 'correction', say: [confirming, 'can I change the name?'], ...asking('AccountName', WITH_ALL) },
  { group: 'correction', say: [confirming, 'change the name', 'payments-sbx'], ...confirm({ ...WITH_ALL, AccountName: 'payments-sbx' }) },
  { group: 'correction', say: [confirming, 'change the name', 'skip'], ...confirm(WITH_ALL) },
  { group: 'correction', say: [confirming, 'call it payments-dev'], ...confirm({ ...WITH_ALL, AccountName: 'payments-dev' }) },
  { group: 'correction', say: ['new account', 'sandbox', 'never mind'], intent: 'VendAccount', state: 'Cancelled' },
  { group: 'correction', say: [confirming, 'nope'], intent: 'VendAccount', state: 'Cancelled' },
  { group: 'correction', say: ['cancel'], intent: null, state: 'ElicitIntent', says: /nothing|no conversation in progress/i },

  // Several slots in one sentence.
  {
    group: 'multi-slot',
    say: ['I need a sandbox account in Demos for team-aws@example.com'],
    ...confirm({ ...WITH_ALL, RootEmail: 'team-aws@example.com' }),
    lex: true,
  },
  {
    group: 'multi-slot',
    say: ['can I get a prod account for billing@example.com?'],
    ...asking('AccountOU', { AccountType: 'Production', RootEmail: 'billing@example.com' }),
    lex: true,
  },
  {
    group: 'multi-slot',
    say: ['new account', 'sandbox for ops@example.com please'],
    ...asking('AccountOU', { AccountType: 'Sandbox', RootEmail: 'ops@example.com' }),
  },
  {
    group: 'multi-slot',
    say: ['new account', 'Production, ops@example.com, Experiment'],
    ...confirm({ AccountType: 'Production', RootEmail: 'ops@example.com', AccountOU: 'Experiment' }),
  },

  // A chosen name, kept (and changeable at the confirmation).
  { group: 'name', say: ['an account called payments-dev'], ...asking('AccountType', { AccountName: 'payments-dev' }), lex: true },
  {
    group: 'name',
    say: ['a sandbox account named data-lab for data@example.com in Experiment'],
    ...confirm({ AccountType: 'Sandbox', RootEmail: 'data@example.com', AccountOU: 'Experiment', AccountName: 'data-lab' }),
  },
  {
    group: 'name',
    say: ['new account', 'sandbox', 'ops@example.com', 'Demos, and call it team-ops'],
    ...confirm({ ...WITH_ALL, AccountName: 'team-ops' }),
    says: /named team-ops/,
  },

  // A reason, kept for the approvers.
  {
    group: 'reason',
    say: ['I need a sandbox account because we test the new billing pipeline'],
    ...asking('RootEmail', { AccountType: 'Sandbox', Reason: 'because we test the new billing pipeline' }),
    lex: true,
  },
  {
    group: 'reason',
    say: ['a production account for the payments team'],
    ...asking('RootEmail', { AccountType: 'Production', Reason: 'for the payments team' }),
  },
  {
    group: 'reason',
    say: ['new account', 'sandbox, we need it to try out the data platform'],
    ...asking('RootEmail', { AccountType: 'Sandbox', Reason: 'we need it to try out the data platform' }),
  },
  {
    group: 'reason',
    say: ['a sandbox account for ops@example.com in Demos because of the demo day'],
    ...confirm({ ...WITH_ALL, Reason: 'because of the demo day' }),
    says: /with the reason "because of the demo day"/,
  },

  // Several accounts at once: one at a time, said out loud.
  {
    group: 'several',
    say: ['two sandbox accounts, one for alice@example.com and one for bob@example.com'],
    ...asking('AccountOU', { AccountType: 'Sandbox', RootEmail: 'alice@example.com' }),
    says: /One account at a time, Jane\. Let's start with alice@example\.com; say "new account" for bob@example\.com/,
  },
  { group: 'several', say: ['I need 3 accounts for the new hires'], ...asking('AccountType'), says: /One account at a time/ },
  {
    group: 'several',
    say: ['new account', 'sandbox', 'alice@example.com and bob@example.com'],
    ...asking('AccountOU', { AccountType: 'Sandbox', RootEmail: 'alice@example.com' }),
    says: /bob@example\.com/,
  },

  // An address with a space: asked back, never cut.
  {
    group: 'email',
    say: ['new account', 'sandbox', 'team aws@example.com'],
    ...asking('RootEmail', { AccountType: 'Sandbox' }),
    says: /no spaces.*team-aws@example\.com or aws@example\.com/,
  },
  {
    group: 'email',
    say: ['a sandbox account for team aws@example.com'],
    ...asking('RootEmail', { AccountType: 'Sandbox' }),
    says: /no spaces/,
  },
  {
    group: 'email',
    say: ['new account', 'sandbox', 'my email is ops@example.com'],
    ...asking('AccountOU', { AccountType: 'Sandbox', RootEmail: 'ops@example.com' }),
  },

  // Requests already made: withdraw, status, retry, by id or one's own.
  { group: 'by-id', say: ['cancel my request'], ...handedOver('CancelRequest'), lex: true },
  { group: 'by-id', say: [`please withdraw ${ID}`], ...handedOver('CancelRequest', { RequestId: ID }), lex: true },
  { group: 'by-id', say: ['I no longer need that account'], ...handedOver('CancelRequest'), lex: true },
  { group: 'by-id', say: [`is ${ID} approved yet?`], ...handedOver('RequestStatus', { RequestId: ID }), lex: true },
  { group: 'by-id', say: [`what's going on with ${ID.toUpperCase()}`], ...handedOver('RequestStatus', { RequestId: ID }) },
  { group: 'by-id', say: ['retry'], ...handedOver('RetryRequest'), lex: true },
  { group: 'by-id', say: ['can you try my failed request again?'], ...handedOver('RetryRequest') },
  { group: 'by-id', say: [`retry ${ID} please`], ...handedOver('RetryRequest', { RequestId: ID }), lex: true },
  { group: 'by-id', say: [`cancel ${ID}`], ...handedOver('CancelRequest', { RequestId: ID }) },
  { group: 'by-id', say: ['how far along is my request?'], ...handedOver('RequestStatus') },

  // After the last failed attempt: what was kept and what is needed, and the next message goes on from there.
  {
    group: 'give-up',
    say: ['new account', 'medium', 'large', 'huge'],
    ...asking('AccountType'),
    says: /So far I have nothing yet; I still need the account type, the root e-mail and the organizational unit/,
  },
  { group: 'give-up', say: ['new account', 'medium', 'large', 'huge', 'sandbox'], ...asking('RootEmail', { AccountType: 'Sandbox' }) },
];
