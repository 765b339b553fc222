import { createHash } from 'crypto';
import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** CloudWatch allows alarm names of up to 255 characters. */
const MAX_ALARM_NAME = 255;

/**
 * A stable, readable alarm name: `<stack name>/<path of the construct in the stack>/<alarm id>`,
 * e.g. `Orders/Api/Handler/ErrorRate`. Unique in the account and region because stack names are.
 * An alarm that does not live beside its owner says where it lives after an `@`
 * (`Orders/Api/Handler/ErrorRate@ObservedAlarms3`), so that when a placement is changed on
 * purpose the stack that receives the alarm never creates a name the stack it leaves still holds.
 * Names that would exceed CloudWatch's limit keep their tail and gain a short hash of the whole;
 * a double quote (which a composite alarm's rule cannot name) becomes a single quote.
 */
export function alarmName(owner: IConstruct, alarmId: string, livesIn?: string): string {
  const stack = Stack.of(owner);
  const relative = owner.node.path.slice(stack.node.path.length).replace(/^\//, '');
  // a composite alarm's rule names alarms in double quotes: a quote in a construct id becomes '
  const name = ([stack.stackName, relative, alarmId].filter(p => p.length > 0).join('/') + (livesIn ? `@${livesIn}` : '')).replace(/"/g, '\'');
  if (name.length <= MAX_ALARM_NAME) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${hash}...${name.slice(name.length - (MAX_ALARM_NAME - hash.length - 3))}`;
}
