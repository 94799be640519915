/** Who is in a team the approval policy names by reference (a Slack user group), where a door can say. */
export interface TeamDirectory {
  /** The Slack user ids in a Slack user group (S0123ABCD). */
  membersOf(usergroup: string): Promise<readonly string[]>;
}
