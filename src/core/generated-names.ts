import { CfnResource, Stack, Token } from 'aws-cdk-lib';

/** CloudFormation allows stack names of up to 128 characters. */
const MAX_STACK_NAME = 128;
/** The random suffix CloudFormation adds to the names it generates (13 characters today), with a margin. */
const GENERATED_SUFFIX_CHARS = 20;

/**
 * The most characters of a name CloudFormation generates for `resource`: `<stack name>-<logical
 * id>-<random suffix>`, shortened by CloudFormation where the service allows less (a nested
 * stack's own name is generated the same way). Such a name needs no escaping in a URL.
 */
export function generatedNameChars(resource: CfnResource): number {
  const stack = Stack.of(resource);
  const logicalId = stack.resolve(resource.logicalId) as string;
  const stackName = stack.nestedStackResource
    ? generatedNameChars(stack.nestedStackResource)
    : Token.isUnresolved(stack.stackName) ? MAX_STACK_NAME : stack.stackName.length;
  return stackName + 1 + logicalId.length + 1 + GENERATED_SUFFIX_CHARS;
}

/**
 * The name `resource` gives itself in its `property` (e.g. `QueueName`): a string when it is known
 * at synth, `undefined` when CloudFormation generates it, `null` when it is a token.
 */
export function givenName(resource: CfnResource, property: string): string | undefined | null {
  // the L1 class's accessor of that one property (e.g. `queueName`); resolving only it leaves the
  // resource's other lazy properties alone
  const accessor = property.charAt(0).toLowerCase() + property.slice(1);
  if (!(accessor in resource)) return null;
  const given: unknown = Stack.of(resource).resolve((resource as unknown as { [key: string]: unknown })[accessor]);
  return given === undefined ? undefined : typeof given === 'string' ? given : null;
}
