/**
 * Resolves the CloudFormation intrinsics an alarm description uses (Fn::Sub with a variable map,
 * Ref, Fn::If over conditions that compare AWS::Partition) to the string CloudFormation would
 * produce for a stack deployed with the given values.
 */
export interface DeployedValues {
  readonly region: string;
  readonly partition: string;
  /** The physical name (the Ref value) of each resource, by logical id. */
  readonly refs: { readonly [logicalId: string]: string };
}

export function resolveValue(value: unknown, conditions: { [id: string]: any }, deployed: DeployedValues): string {
  const resolve = (v: any): string => {
    if (typeof v === 'string') return v;
    if (v.Ref === 'AWS::Region') return deployed.region;
    if (v.Ref === 'AWS::Partition') return deployed.partition;
    if (v.Ref !== undefined) {
      const name = deployed.refs[v.Ref];
      if (name === undefined) throw new Error(`no deployed value for ${v.Ref}`);
      return name;
    }
    if (v['Fn::GetAtt']) {
      // the names the descriptions use (a queue's QueueName) are the resource's name
      const name = deployed.refs[v['Fn::GetAtt'][0]];
      if (name === undefined) throw new Error(`no deployed value for ${v['Fn::GetAtt'][0]}`);
      return name;
    }
    if (v['Fn::If']) {
      const [condition, whenTrue, whenFalse] = v['Fn::If'];
      return resolve(holds(conditions[condition]) ? whenTrue : whenFalse);
    }
    if (v['Fn::Sub']) {
      const [body, variables] = Array.isArray(v['Fn::Sub']) ? v['Fn::Sub'] : [v['Fn::Sub'], {}];
      return (body as string).replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
        if (name.startsWith('!')) return `\${${name.slice(1)}}`;
        if (name in variables) return resolve(variables[name]);
        return resolve({ Ref: name });
      });
    }
    if (v['Fn::Join']) return (v['Fn::Join'][1] as any[]).map(resolve).join(v['Fn::Join'][0]);
    throw new Error(`intrinsic not supported here: ${JSON.stringify(v)}`);
  };
  const holds = (c: any): boolean => {
    if (!c) throw new Error('unknown condition');
    const [a, b] = c['Fn::Equals'];
    return resolve(a) === resolve(b);
  };
  return resolve(value);
}
