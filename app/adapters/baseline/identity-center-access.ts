import { GetUserIdCommand, type IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  type AccountAssignmentOperationStatus,
  CreateAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { AccessGrant } from '../../core/ports/account-baseline';
import { type BaselineCall, refusal, rejected } from './refusals';

/**
 * Access to a new account through IAM Identity Center: the principal's id (a user is found by user
 * name in the identity store), then CreateAccountAssignment of the permission set on the account.
 *
 * The assignment is asynchronous: its creation status is IN_PROGRESS until Identity Center has made
 * the role in the account. It is followed a few times (DescribeAccountAssignmentCreationStatus) so a
 * refusal (a permission set that cannot be provisioned, say) is told with its FailureReason rather
 * than lost; still IN_PROGRESS after that is fine, Identity Center finishes it by itself.
 * Asking again for an assignment that exists is a new request that succeeds: a retry is the same step.
 */

/** How long to follow an assignment's creation: `times` status checks, `everyMs` apart. */
export interface AssignmentChecks {
  times: number;
  everyMs: number;
}

export const DEFAULT_ASSIGNMENT_CHECKS: AssignmentChecks = { times: 3, everyMs: 1000 };

const FINISHED = new Set(['SUCCEEDED', 'FAILED']);

export class IdentityCenterAccess {
  constructor(
    private readonly ssoAdmin: SSOAdminClient,
    private readonly identityStore: IdentitystoreClient,
    private readonly checks: AssignmentChecks = DEFAULT_ASSIGNMENT_CHECKS,
  ) {}

  async grant(accountId: string, grant: AccessGrant): Promise<void> {
    const principalId = await this.principalId(grant);
    const call: BaselineCall = {
      doing: `Assigning permission set ${grant.permissionSetArn} on account ${accountId} to ${describePrincipal(grant)}`,
      service: 'IAM Identity Center',
      action: 'sso:CreateAccountAssignment',
      inputHint: 'Check the configured instance ARN and permission set ARN (both of the same Identity Center instance).',
    };
    let status: AccountAssignmentOperationStatus | undefined;
    try {
      ({ AccountAssignmentCreationStatus: status } = await this.ssoAdmin.send(
        new CreateAccountAssignmentCommand({
          InstanceArn: grant.instanceArn,
          TargetId: accountId,
          TargetType: 'AWS_ACCOUNT',
          PermissionSetArn: grant.permissionSetArn,
          PrincipalType: grant.principal.type,
          PrincipalId: principalId,
        }),
      ));
      for (let check = 0; check < this.checks.times && status?.RequestId && !FINISHED.has(status.Status ?? ''); check++) {
        await pause(this.checks.everyMs);
        ({ AccountAssignmentCreationStatus: status } = await this.ssoAdmin.send(
          new DescribeAccountAssignmentCreationStatusCommand({
            InstanceArn: grant.instanceArn,
            AccountAssignmentCreationRequestId: status.RequestId,
          }),
        ));
      }
    } catch (err) {
      throw refusal(err, call);
    }
    if (status?.Status === 'FAILED') {
      throw rejected(
        `${call.doing} failed in ${call.service}: ${status.FailureReason ?? 'no reason given'} (request ${status.RequestId}).`,
      );
    }
  }

  /** A group is named by id in the configuration; a user by user name, which the identity store turns into an id. */
  private async principalId(grant: AccessGrant): Promise<string> {
    if (grant.principal.type === 'GROUP') return grant.principal.groupId;
    const { userName } = grant.principal;
    try {
      const { UserId } = await this.identityStore.send(
        new GetUserIdCommand({
          IdentityStoreId: grant.identityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: userName } },
        }),
      );
      if (!UserId) throw new Error(`The identity store ${grant.identityStoreId} answered GetUserId for ${userName} without a user id`);
      return UserId;
    } catch (err) {
      if ((err as { name?: string })?.name === 'ResourceNotFoundException') {
        throw rejected(
          `The IAM Identity Center user "${userName}" was not found in identity store ${grant.identityStoreId}: ` +
            'create the user (Account Factory does when the account is vended with that SSO e-mail) or grant access to a group instead.',
          err,
        );
      }
      throw refusal(err, {
        doing: `Looking up the IAM Identity Center user "${userName}"`,
        service: 'the Identity Store',
        action: 'identitystore:GetUserId',
        inputHint: `Check the configured identity store id (${grant.identityStoreId}, "d-…") and the user name.`,
      });
    }
  }
}

function describePrincipal(grant: AccessGrant): string {
  return grant.principal.type === 'USER' ? `user ${grant.principal.userName}` : `group ${grant.principal.groupId}`;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
