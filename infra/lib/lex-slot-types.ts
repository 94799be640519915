import type { CfnBot } from 'aws-cdk-lib/aws-lex';
import { type BotModel, type SlotModel, type SlotTypeModel, slotLabel, slotsOnce } from '../../app/core/bot-model';
import { parseOuLabel } from '../../app/core/request/organizational-units';
import { REQUEST_ID } from '../../app/core/request/validation';

/**
 * The bot model's slot types as Lex V2 slot types: values with their synonyms resolved to the
 * canonical value, the deployment's OUs, the model's slots by the words people use for them,
 * request ids and chosen names as AMAZON.AlphaNumeric with the core's patterns, reasons as said.
 */

/** Every slot of the model once (a slot such as RequestId is shared by several intents): the one with help. */
export const uniqueSlots = (model: BotModel): SlotModel[] => slotsOnce(model.intents.flatMap((i) => i.slots));

/** Lex regular expressions know letters, digits and \uXXXX escapes only, and no unbounded repeats. */
const HYPHEN = '\\u002D';
/** AMAZON.AlphaNumeric with a pattern holds at most 30 characters: longer names are the embedded engine's only. */
export const ACCOUNT_NAME_PATTERN = `[A-Za-z0-9][A-Za-z0-9\\u002E\\u005F${HYPHEN}]{0,29}`;
/** The core's request id rule (validation.ts), in Lex's regex dialect. */
export const REQUEST_ID_PATTERN = REQUEST_ID.source
  .replace(/^\^|\$$/g, '')
  // A literal hyphen (not one inside a [...] range) as its escape.
  .replace(/-(?![^[]*\])/g, HYPHEN)
  .replace(/\[0-9a-z\]/g, '[0-9a-zA-Z]')
  .replace(/\[0-9a-f\]/g, '[0-9a-fA-F]')
  .replace(/^req/, '[Rr][Ee][Qq]');

/** The OU names of the OrganizationalUnits slot type: "Demos (ou-abcd-12345678)" is the value "Demos". */
export function organizationalUnitNames(labels: readonly string[]): string[] {
  return [...new Set(labels.map((label) => parseOuLabel(label)?.name ?? label.trim()))];
}

/** A slot type's values as Lex takes them: the value, its synonyms (none equal to the value). */
function enumerated(values: Array<{ value: string; synonyms: readonly string[] }>): CfnBot.SlotTypeValueProperty[] {
  return values.map(({ value, synonyms }) => {
    const distinct = [...new Set(synonyms.map((s) => s.trim()))].filter((s) => s && s.toLowerCase() !== value.toLowerCase());
    return { sampleValue: { value }, ...(distinct.length ? { synonyms: distinct.map((s) => ({ value: s })) } : {}) };
  });
}

function slotType(model: BotModel, name: string, type: SlotTypeModel, organizationalUnits: readonly string[]): CfnBot.SlotTypeProperty {
  const base = { name, ...(type.description ? { description: type.description } : {}) };
  // The first resolution (the canonical value), never what the person typed.
  const top: CfnBot.SlotValueSelectionSettingProperty = { resolutionStrategy: 'TOP_RESOLUTION' };
  const pattern = (p: string) => ({
    ...base,
    parentSlotTypeSignature: 'AMAZON.AlphaNumeric',
    valueSelectionSetting: { resolutionStrategy: 'ORIGINAL_VALUE', regexFilter: { pattern: p } },
  });
  if ('values' in type) return { ...base, slotTypeValues: enumerated(type.values), valueSelectionSetting: top };
  // What was said, as said: the examples only teach Lex what a reason sounds like.
  if ('freeText' in type) {
    return {
      ...base,
      slotTypeValues: type.examples.map((value) => ({ sampleValue: { value } })),
      valueSelectionSetting: { resolutionStrategy: 'ORIGINAL_VALUE' },
    };
  }
  switch (type.valuesFrom) {
    case 'organizationalUnits':
      return {
        ...base,
        slotTypeValues: enumerated(organizationalUnitNames(organizationalUnits).map((value) => ({ value, synonyms: [] }))),
        valueSelectionSetting: top,
      };
    case 'requestIds':
      return pattern(REQUEST_ID_PATTERN);
    case 'accountNames':
      return pattern(ACCOUNT_NAME_PATTERN);
    case 'slots':
      return {
        ...base,
        slotTypeValues: enumerated(
          uniqueSlots(model)
            .filter((s) => s.help)
            .map((s) => ({ value: s.name, synonyms: [slotLabel(s), ...s.aliases] })),
        ),
        valueSelectionSetting: top,
      };
  }
}

/** The manifest's slot types; OrganizationalUnits takes its values from the deployment's OU list. */
export function slotTypesFromModel(model: BotModel, organizationalUnits: readonly string[]): CfnBot.SlotTypeProperty[] {
  return Object.entries(model.slotTypes).map(([name, type]) => slotType(model, name, type, organizationalUnits));
}
