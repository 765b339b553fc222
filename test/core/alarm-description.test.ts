import { App, CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AccountConcurrencyMonitor, AlarmNotifications, CodeStorageMonitor, ObservedFunction, ObservedHttpApi, ObservedQueue, ObservedRestApi, ObservedTable } from '../../src';
import { composeDescription } from '../../src/core/alarm-description';
import { compactQuery } from '../../src/core/console-links';
import { FUNCTION_LOG_QUERIES } from '../../src/core/function-log-queries';
import { FUNCTION_ALARMS } from '../../src/function/function-alarm-catalog';
import { MINIMAL } from '../helpers';
import { resolveValue } from '../support/cfn-values';

/** Every alarm a function can have, switched on. */
const ALL_ON = {
  reservedConcurrentExecutions: 10,
  provisionedConcurrency: { executions: 1 },
  availabilityObjectivePercent: 99.9,
  // every opt-in alarm of the catalog, so that a new one is covered without changing this test
  alarms: Object.fromEntries(Object.entries(FUNCTION_ALARMS).filter(([, entry]) => !entry.enabledByDefault).map(([key]) => [key, { enabled: true }])),
};
const LONGEST_RUNBOOK = `https://wiki.example.com/${'runbooks/'.repeat(32)}`.slice(0, 300);
const RUNBOOK = 'https://wiki.example.com/teams/orders/runbooks/checkout-handler';

interface Deployed { region: string; partition: string; domain: string }
const PARTITIONS: Deployed[] = [
  { region: 'us-east-1', partition: 'aws', domain: 'console.aws.amazon.com' },
  { region: 'cn-northwest-1', partition: 'aws-cn', domain: 'console.amazonaws.cn' },
  { region: 'us-gov-west-1', partition: 'aws-us-gov', domain: 'console.amazonaws-us-gov.com' },
  // a region code as long as the library allows for
  { region: 'xx-southsouthwest-9', partition: 'aws-us-gov', domain: 'console.amazonaws-us-gov.com' },
];

/**
 * The alarms' descriptions as CloudFormation would resolve them, with every name at its longest:
 * a 64-character function name when it is given, generated names as CloudFormation makes them
 * (`<stack>-<logical id>-<13 random characters>`, at most 64 for a function).
 */
function deployedDescriptions(stack: Stack, deployed: Deployed, names: { [logicalId: string]: string } = {}) {
  const template = Template.fromStack(stack).toJSON();
  // parameters take the values given in `names`
  const refs: { [id: string]: string } = { ...names };
  for (const [id, r] of Object.entries<any>(template.Resources)) {
    const generated = `${stack.stackName}-${id}-ABCDEFGHIJKLM`;
    refs[id] = names[id] ?? (r.Type === 'AWS::Lambda::Function' ? generated.slice(0, 64) : generated);
  }
  const alarms = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
  return alarms.map(([id, r]) => ({
    id,
    name: r.Properties.AlarmName as string,
    text: resolveValue(r.Properties.AlarmDescription, template.Conditions ?? {}, { ...deployed, refs }),
    refs,
  }));
}

/** The state a CloudWatch console link carries, decoded (JSURL strings: `*xx` escapes, `!` for `$`). */
function unescape(text: string): string {
  return text.replace(/\*\*([0-9a-f]{4})|\*([0-9a-f]{2})/g, (_m, wide, hex) => String.fromCharCode(parseInt(wide ?? hex, 16))).replace(/!/g, '$');
}

function logsLink(description: string) {
  const m = /\nLogs \(([^,]+), (\d+) h\): https:\/\/([^/]+)\/cloudwatch\/home\?region=([^#]+)#logsV2:logs-insights\$3FqueryDetail\$3D~\(end~0~start~-(\d+)~timeType~'RELATIVE~unit~'seconds~editorString~'([^~]*)~source~\(~'([^)]*)\)\)/.exec(description);
  if (!m) return null;
  return { title: m[1], hours: Number(m[2]), domain: m[3], region: m[4], seconds: Number(m[5]), query: unescape(m[6]), logGroup: unescape(m[7]) };
}

describe('alarm descriptions with links', () => {
  test.each(PARTITIONS)('every alarm of a function stays within 1,024 characters with its runbook and its query link, in $region ($partition)', (deployed) => {
    const stack = new Stack(new App(), 'OrdersServiceProductionStack');
    let scope: Construct = stack;
    for (let i = 0; i < 2; i++) scope = new Construct(scope, `Level${i}WithALongName`);
    new ObservedFunction(scope, 'Handler', { ...MINIMAL, ...ALL_ON });
    AlarmNotifications.runbook(stack, RUNBOOK);
    const descriptions = deployedDescriptions(stack, deployed);
    // every alarm but deadLetterErrors (a dead-letter queue instead of the failure destination) and
    // asyncEventsDropped (the failure queue's own alarm, failureQueueMessages, replaces it)
    expect(descriptions).toHaveLength(Object.keys(FUNCTION_ALARMS).length - 2);
    for (const d of descriptions) {
      expect(d.text.length).toBeLessThanOrEqual(1024);
      if (!logsLink(d.text)) throw new Error(`${d.name} has no query link (${d.text.length} characters):\n${d.text}`);
      expect(d.text).toContain(`\nRunbook: ${RUNBOOK}`);
      expect(d.text).toContain('Source: OrdersServiceProductionStack/Level0WithALongName/');
    }
  });

  test('with the longest names a function can have, a 300-character runbook and a deep path, nothing exceeds 1,024; links that do not fit are left out', () => {
    const stack = new Stack(new App(), 'S'.repeat(128));
    let scope: Construct = stack;
    for (let i = 0; i < 40; i++) scope = new Construct(scope, `Level${i}WithAVeryLongConstructName`);
    const fn = new ObservedFunction(scope, 'Handler', { ...MINIMAL, ...ALL_ON, functionName: 'f'.repeat(64) });
    AlarmNotifications.runbook(fn, LONGEST_RUNBOOK);
    const logicalId = stack.resolve((fn.node.defaultChild as any).logicalId);
    for (const d of deployedDescriptions(stack, PARTITIONS[3], { [logicalId]: 'f'.repeat(64) })) {
      expect(d.text.length).toBeLessThanOrEqual(1024);
      expect(d.text).toMatch(/Source: \.\.\..*Level39WithAVeryLongConstructName\/Handler\.\nRunbook: /);
    }
  });

  test('each Logs Insights link names the function\'s log group, the alarm\'s region and console domain, and the catalog entry\'s query', () => {
    for (const deployed of PARTITIONS.slice(0, 3)) {
      const stack = new Stack(new App(), 'Orders');
      new ObservedFunction(stack, 'Handler', { ...MINIMAL, ...ALL_ON });
      const template = Template.fromStack(stack);
      const [logGroupId] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
      for (const d of deployedDescriptions(stack, deployed)) {
        const entry = Object.values(FUNCTION_ALARMS).find(e => d.name.endsWith(`/${e.id}`))!;
        const link = logsLink(d.text)!;
        expect(link).not.toBeNull();
        expect(link.logGroup).toBe(d.refs[logGroupId]);
        expect(link.region).toBe(deployed.region);
        expect(link.domain).toBe(deployed.domain);
        // the entry's own query, else the function's errors
        const query = entry.logQuery ?? FUNCTION_LOG_QUERIES.errors;
        expect(link.query).toBe(compactQuery(query.query));
        expect(link.title).toBe(query.title);
        // the range covers the alarm's window twice, and at least an hour
        expect(link.seconds).toBeGreaterThanOrEqual(Math.max(3600, 2 * entry.evaluationPeriods * entry.period.toSeconds()));
        expect(d.text).toContain(`/xray/home?region=${deployed.region}#/traces?filter=service(%22${d.refs[stack.resolve((stack.node.findChild('Handler').node.defaultChild as any).logicalId)]}%22)`);
      }
    }
  });

  test('alarms without a query of their own link the function\'s errors', () => {
    const stack = new Stack(new App(), 'Orders');
    new ObservedFunction(stack, 'Handler', MINIMAL);
    const dropped = deployedDescriptions(stack, PARTITIONS[0]).find(d => d.name.endsWith('/RecursiveInvocationsDropped'))!;
    expect(logsLink(dropped.text)!.query).toMatch(/^filter level in \["ERROR","FATAL"\]/);
  });

  test('a stack with a known region gets plain links and no partition conditions', () => {
    const stack = new Stack(new App(), 'Orders', { env: { account: '123456789012', region: 'cn-north-1' } });
    new ObservedFunction(stack, 'Handler', MINIMAL);
    const template = Template.fromStack(stack).toJSON();
    expect(template.Conditions).toBeUndefined();
    const alarm = Object.values<any>(template.Resources).find(r => r.Properties?.AlarmName === 'Orders/Handler/ErrorRate');
    const [body] = alarm.Properties.AlarmDescription['Fn::Sub'];
    expect(body).toContain('https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#logsV2:logs-insights');
  });

  test('a function logging text gets no Logs Insights link (the queries read JSON), a function without tracing no traces link', () => {
    const stack = new Stack(new App(), 'Orders');
    new ObservedFunction(stack, 'Handler', {
      ...MINIMAL,
      loggingFormat: lambda.LoggingFormat.TEXT,
      tracing: lambda.Tracing.DISABLED,
      alarms: { timeouts: { enabled: false }, memoryUsedPercent: { enabled: false } },
    });
    for (const d of deployedDescriptions(stack, PARTITIONS[0])) {
      expect(d.text).not.toContain('\nLogs (');
      expect(d.text).not.toContain('\nTraces (');
      // the failure queue's alarm shows the queue's metrics, the others the function's
      const namespace = d.name.endsWith('/FailureQueueMessages') ? 'AWS*2fSQS*2cQueueName' : 'AWS*2fLambda*2cFunctionName';
      expect(d.text).toContain(`\nMetrics: https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#metricsV2:graph=~();query=~'*7b${namespace}*7d*20`);
    }
  });

  test('the alarms a consumer\'s wiring makes for a plain queue link the consumer\'s errors and traces and the queue\'s metrics', () => {
    const stack = new Stack(new App(), 'Orders');
    const fn = new ObservedFunction(stack, 'Worker', { ...MINIMAL, asyncFailureQueue: false });
    fn.consumeQueue(new sqs.Queue(stack, 'Jobs', { visibilityTimeout: Duration.minutes(2) }));
    const template = Template.fromStack(stack);
    const [logGroupId] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    const descriptions = deployedDescriptions(stack, PARTITIONS[0]).filter(d => d.name.startsWith('Orders/Worker/JobsAlarms/'));
    expect(descriptions.map(d => d.name.split('/').pop())).toEqual(['Backpressure', 'BacklogGrowing', 'StuckConsumer']);
    for (const d of descriptions) {
      expect(logsLink(d.text)).toMatchObject({ title: 'errors', logGroup: d.refs[logGroupId] });
      // the queue's metrics come before the function's traces, which follow where they fit
      expect(d.text).toContain('\nMetrics: https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#metricsV2:graph=~();query=~\'*7bAWS*2fSQS*2cQueueName*7d*20Orders-Jobs');
    }
    expect(descriptions[0].text).toMatch(/\nMetrics: [^\n]+\nTraces \(1 h\): /);
  });

  test('queues link their metrics', () => {
    const stack = new Stack(new App(), 'Orders');
    new ObservedQueue(stack, 'Jobs');
    for (const d of deployedDescriptions(stack, PARTITIONS[0])) {
      expect(d.text).toMatch(/\nMetrics: https:\/\/console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#metricsV2:graph=~\(\);query=~'\*7bAWS\*2fSQS\*2cQueueName\*7d\*20Orders-Jobs/);
    }
  });
});

describe('every construct\'s alarms', () => {
  test('stay within 1,024 characters with every name at its longest, in an environment-agnostic stack deployed to GovCloud', () => {
    const stack = new Stack(new App(), 'OrdersServiceProductionStack');
    const table = new ObservedTable(stack, 'Orders', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, dynamoStream: dynamodb.StreamViewType.NEW_IMAGE });
    const projector = new ObservedFunction(stack, 'Projector', { ...MINIMAL, asyncFailureQueue: false });
    projector.consumeTableStream(table);
    const handler = new ObservedFunction(stack, 'Handler', { ...MINIMAL, asyncFailureQueue: false, timeout: Duration.seconds(6) });
    new ObservedRestApi(stack, 'RestApi').addLambdaRoute('POST', '/orders', handler, { authorizationType: apigateway.AuthorizationType.IAM });
    new ObservedHttpApi(stack, 'HttpApi', { defaultAuthorizer: new HttpIamAuthorizer() }).addLambdaRoute(apigwv2.HttpMethod.POST, '/orders', handler);
    new ObservedQueue(stack, 'Jobs');
    new CodeStorageMonitor(stack, 'CodeStorage');
    new AccountConcurrencyMonitor(stack, 'Concurrency');
    AlarmNotifications.runbook(stack, RUNBOOK);
    const descriptions = deployedDescriptions(stack, PARTITIONS[3]);
    expect(descriptions.length).toBeGreaterThan(30);
    for (const d of descriptions) {
      expect(d.text.length).toBeLessThanOrEqual(1024);
      expect(d.text).toContain(`\nRunbook: ${RUNBOOK}`);
    }
    const linked = (prefix: string) => descriptions.filter(d => d.name.startsWith(prefix) && d.text.includes('\nMetrics: https://'));
    for (const prefix of ['OrdersServiceProductionStack/Orders/', 'OrdersServiceProductionStack/Jobs/', 'OrdersServiceProductionStack/RestApi/']) {
      expect(linked(prefix).length).toBeGreaterThan(0);
    }
  });
});

describe('composeDescription', () => {
  const text = 'The function fails. Fires when > 5 percent in 2 of 3 periods of 1 minute.';
  const bounded = (maxChars: number) => ({ value: Token.asString({ Ref: 'Fn' }), maxChars });

  test('a link that does not fit with its values at their longest is left out; a shorter one after it is kept', () => {
    const long = { label: 'Logs', parts: ['https://a/', bounded(950)] };
    const short = { label: 'Metrics', parts: ['https://b/', bounded(64)] };
    const out = new Stack().resolve(composeDescription(text, 'Orders/Handler', undefined, [long, short]));
    expect(out).toEqual({ 'Fn::Sub': [`${text} Source: Orders/Handler.\nMetrics: https://b/\${v0}`, { v0: { Ref: 'Fn' } }] });
  });

  test('literal text that looks like a substitution stays literal', () => {
    const out = new Stack().resolve(composeDescription(text, 'Orders/Handler', undefined, [{ label: 'Logs', parts: ['${x} ', bounded(10)] }]));
    expect(out['Fn::Sub'][0]).toContain('\nLogs: ${!x} ${v0}');
  });

  test('a description of known values only is a plain string', () => {
    expect(composeDescription(text, 'Orders/Handler', 'https://wiki/x', [{ label: 'Metrics', parts: ['https://b/c'] }]))
      .toBe(`${text} Source: Orders/Handler.\nRunbook: https://wiki/x\nMetrics: https://b/c`);
  });
});

describe('runbook', () => {
  test('AlarmNotifications.runbook() adds the URL to every alarm under the scope, also when called after the constructs; an alarm\'s own runbookUrl wins', () => {
    const app = new App();
    const stack = new Stack(app, 'Orders');
    new ObservedFunction(stack, 'Handler', { ...MINIMAL, alarms: { throttles: { runbookUrl: 'https://wiki.example.com/throttles' } } });
    new ObservedQueue(stack, 'Jobs');
    AlarmNotifications.runbook(app, 'https://wiki.example.com/orders');
    const descriptions = deployedDescriptions(stack, PARTITIONS[0]);
    for (const d of descriptions) {
      const expected = d.name.endsWith('/Throttles') ? 'https://wiki.example.com/throttles' : 'https://wiki.example.com/orders';
      expect(d.text).toContain(`.\nRunbook: ${expected}\n`);
    }
  });

  test('a runbook URL that is too long, has spaces or is a token is refused with the prop and the allowed range', () => {
    const stack = new Stack(new App(), 'Orders');
    expect(() => AlarmNotifications.runbook(stack, 'https://x/' + 'a'.repeat(300)))
      .toThrow(/^Orders: AlarmNotifications.runbook url is 'https:\/\/x\/a+\.\.\.' \(310 characters\); allowed is a URL of 1-300 characters without spaces\.$/);
    expect(() => new ObservedFunction(stack, 'Handler', { ...MINIMAL, alarms: { errorRatePercent: { runbookUrl: 'see the wiki' } } }))
      .toThrow(/Orders\/Handler: alarms\.errorRatePercent\.runbookUrl is 'see the wiki' \(12 characters\); allowed is a URL/);
    expect(() => AlarmNotifications.runbook(stack, stack.stackId)).toThrow(/runbook url is a token; it must be known at synth time/);
  });
});

describe('thresholds that are tokens', () => {
  test('a threshold from a parameter is a variable of the description\'s Fn::Sub too', () => {
    const stack = new Stack(new App(), 'Orders');
    const threshold = new CfnParameter(stack, 'Threshold', { type: 'Number' }).valueAsNumber;
    new ObservedFunction(stack, 'Handler', { ...MINIMAL, alarms: { errorRatePercent: { threshold } } });
    const d = deployedDescriptions(stack, PARTITIONS[0], { Threshold: '2.5' }).find(x => x.name === 'Orders/Handler/ErrorRate')!;
    expect(d.text).toContain('Fires when > 2.5 percent in 2 of 3 periods of 1 minute.');
    expect(logsLink(d.text)).not.toBeNull();
  });
});
