import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import { ValidationError } from '../../core/errors';
import type { Actor, Requester } from '../../core/request/account-request';

interface Person {
  id: string;
  email?: string;
  firstName: string;
  lastName: string;
  realName: string;
}

/**
 * Who a Slack user is, from their profile (users.info), cached for ten minutes so that opening a
 * modal or clicking a button does not wait on Slack twice.
 */
export class SlackDirectory {
  private readonly cache = new LRUCache<string, Person>({ max: 5000, ttl: 10 * 60_000 });

  constructor(private readonly client: WebClient) {}

  /** The requester as the core knows them; Slack profiles without an e-mail cannot ask. */
  async requester(userId: string): Promise<Requester> {
    const p = await this.person(userId);
    if (!p.email) {
      throw new ValidationError(
        'requester.email',
        'Your Slack profile has no e-mail address the bot can read, so it cannot file a request for you. Ask an admin to check the app has users:read.email.',
      );
    }
    return { id: userId, slackUserId: userId, email: p.email, firstName: p.firstName, lastName: p.lastName };
  }

  async actor(userId: string): Promise<Actor> {
    const p = await this.person(userId).catch(() => undefined);
    return { id: userId, door: 'slack', name: p?.realName ?? userId, ...(p?.email ? { email: p.email } : {}) };
  }

  private async person(userId: string): Promise<Person> {
    const cached = this.cache.get(userId);
    if (cached) return cached;
    const { user } = await this.client.users.info({ user: userId });
    const profile = user?.profile ?? {};
    const realName = profile.real_name || user?.real_name || user?.name || userId;
    const [first, ...rest] = realName.split(/\s+/);
    const person: Person = {
      id: userId,
      email: profile.email || undefined,
      firstName: profile.first_name || first || userId,
      // Core requires a last name; single-name profiles use their Slack handle.
      lastName: profile.last_name || rest.join(' ') || user?.name || userId,
      realName,
    };
    this.cache.set(userId, person);
    return person;
  }
}
