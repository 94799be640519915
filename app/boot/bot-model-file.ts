import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { BotModel } from '../core/bot-model';
import { botModelSchema } from '../core/bot-model-schema';

/** Beside the source tree (app/boot/../..) or, in a Lambda bundle, beside the bundle (npm run bundle copies it). */
const SOURCE_TREE_MODEL = join(__dirname, '..', '..', 'manifest', 'bot.yml');
export const DEFAULT_BOT_MODEL_PATH =
  process.env.BOT_MODEL_PATH ?? [SOURCE_TREE_MODEL, join(__dirname, 'manifest', 'bot.yml')].find(existsSync) ?? SOURCE_TREE_MODEL;

/** Reads and validates the bot model; a broken manifest stops start-up with the schema's message. */
export function loadBotModel(path = DEFAULT_BOT_MODEL_PATH): BotModel {
  const result = botModelSchema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Invalid bot model ${path}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return result.data;
}
