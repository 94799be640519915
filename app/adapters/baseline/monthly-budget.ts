import type { Budget, NotificationWithSubscribers } from '@aws-sdk/client-budgets';
import type { BudgetSpec } from '../../core/ports/account-baseline';

/**
 * The Budgets API shape of a BudgetSpec: a monthly COST budget in USD on one linked account, created
 * in the payer (management) account, with one alert on actual spend.
 *
 * The account is chosen with FilterExpression (Dimensions LINKED_ACCOUNT), which replaces the
 * deprecated CostFilters {"LinkedAccount": [...]}. No TimePeriod: the budget starts now and runs
 * until it is deleted. No CostTypes: the service's defaults (unblended, credits and refunds included).
 */
export function monthlyCostBudget(accountId: string, spec: BudgetSpec): Budget {
  return {
    BudgetName: spec.name,
    BudgetType: 'COST',
    TimeUnit: 'MONTHLY',
    BudgetLimit: { Amount: String(spec.amountUsd), Unit: 'USD' },
    FilterExpression: { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [accountId] } },
  };
}

/** The alert: actual spend over alertAtPercent of the amount, by e-mail. None when nobody is to be told. */
export function spendAlert(spec: BudgetSpec): NotificationWithSubscribers[] {
  if (spec.notify.length === 0) return [];
  return [
    {
      Notification: {
        NotificationType: 'ACTUAL',
        ComparisonOperator: 'GREATER_THAN',
        Threshold: spec.alertAtPercent,
        ThresholdType: 'PERCENTAGE',
      },
      Subscribers: spec.notify.map((address) => ({ SubscriptionType: 'EMAIL', Address: address })),
    },
  ];
}
