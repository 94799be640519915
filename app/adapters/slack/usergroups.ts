import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import type { TeamDirectory } from '../../core/ports/teams';

/**
 * Members of Slack user groups, for the approval policy's groups that name one
 * (`slackUsergroup: S0123`): Slack's usergroups.users.list (scope usergroups:read), cached for
 * five minutes so that a click or a Home tab does not wait on Slack each time.
 */
export class SlackUsergroups implements TeamDirectory {
  private readonly cache = new LRUCache<string, Promise<readonly string[]>>({ max: 500, ttl: 5 * 60_000 });

  private made?: WebClient;

  /** `client` may be a function that makes it: the client is made on the first look-up (most policies name no user group). */
  constructor(private readonly client: WebClient | (() => WebClient)) {}

  membersOf(usergroup: string): Promise<readonly string[]> {
    const cached = this.cache.get(usergroup);
    if (cached) return cached;
    this.made ??= typeof this.client === 'function' ? this.client() : this.client;
    const client = this.made;
    const members = client.usergroups.users.list({ usergroup }).then(
      (r) => r.users ?? [],
      (err) => {
        this.cache.delete(usergroup); // ask again next time
        throw err;
      },
    );
    this.cache.set(usergroup, members);
    return members;
  }
}
