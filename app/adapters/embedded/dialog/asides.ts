import { type BotModel, type IntentModel, render, type SlotModel, slotLabel } from '../../../core/bot-model';
import type { Conversation } from './conversation-state';
import type { SlotExtractor, SlotFinding } from './slot-extraction';
import { joinOr, phrasePattern } from './text';

/**
 * What the engine says on the way, without leaving the conversation: answers to questions asked
 * instead of an answer (what a slot means, which values it takes, how far along the request is),
 * and notices about what a sentence said that cannot be taken as it is (several accounts at once).
 */
export class Asides {
  private readonly several: RegExp[];

  constructor(
    private readonly model: BotModel,
    private readonly extractor: SlotExtractor,
  ) {
    this.several = model.vocabulary.severalAccounts.map((p) => new RegExp(phrasePattern(p), 'iu'));
  }

  /** Whether the intent is answered by the bot itself, in a conversation or out of one. */
  isAside(intent: IntentModel): boolean {
    return !!(intent.response || intent.explains);
  }

  /**
   * The answer to an aside intent. `topic` is the slot the question names (the Topic slot), else the
   * question asked now; with neither, the intent's own response.
   */
  answer(intent: IntentModel, findings: SlotFinding[], convo: Conversation | undefined, values: Record<string, string>): string {
    const named = this.extractor.topic(findings);
    const vend = convo && this.intent(convo.intent);
    const topic = this.slot(named ?? convo?.slotToElicit);
    const say = (tpl: string) => render(tpl, { ...convo?.slots, ...values });
    switch (intent.explains) {
      case 'progress':
        if (vend && convo) return say(this.progress(vend, convo));
        break;
      case 'choices': {
        const choices = topic && this.extractor.choices(topic);
        if (choices) return say(render(this.model.messages.choices, { choices }));
        if (topic?.help) return say(topic.help);
        break;
      }
      case 'help':
        if (topic?.help) return say(topic.help);
        if (convo?.phase === 'ConfirmIntent' && vend?.confirmation?.help) return say(vend.confirmation.help);
        break;
      default:
        break;
    }
    return say(intent.response ?? this.model.messages.fallback);
  }

  /** "So far I have account type Sandbox; I still need the organizational unit." (a template with {kept} and {needed}). */
  progress(intent: IntentModel, convo: Conversation): string {
    const kept = intent.slots.filter((s) => convo.slots[s.name]).map((s) => `${slotLabel(s)} ${convo.slots[s.name]}`);
    const missing = intent.slots.filter((s) => s.required && !convo.slots[s.name]).map((s) => `the ${slotLabel(s)}`);
    const needed = missing.length > 0 ? joinOr(missing, 'and') : (intent.confirmation?.needs ?? '');
    return render(this.model.messages.progress, {
      kept: kept.length > 0 ? joinOr(kept, 'and') : this.model.vocabulary.nothingYet,
      needed,
    });
  }

  /** Several accounts asked in one sentence: which one is taken now and which after, or undefined. */
  oneAtATime(text: string, findings: SlotFinding[], values: Record<string, string>): string | undefined {
    const email = findings.find((f) => f.others);
    if (!email && !this.several.some((re) => re.test(text))) return undefined;
    const v = this.model.vocabulary;
    return render(this.model.messages.oneAtATime, {
      ...values,
      first: email?.value ?? v.firstOne,
      next: email?.others ? joinOr(email.others, 'and') : v.nextOne,
    });
  }

  private intent(name: string): IntentModel | undefined {
    return this.model.intents.find((i) => i.name === name);
  }

  private slot(name: string | undefined): SlotModel | undefined {
    return name ? this.model.intents.flatMap((i) => i.slots).find((s) => s.name === name && s.help) : undefined;
  }
}
