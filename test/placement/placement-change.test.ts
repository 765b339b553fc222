import { Stack } from 'aws-cdk-lib';
import { consumers, ENV, newApp, synthAll } from './placement-app';
import { AlarmPlacement, AlarmPlacementMode, AlarmPlacementOptions } from '../../src';

/** Alarm name -> the template that creates it, for the app under one placement. */
function deployedNames(configure: (monitoring: Stack) => AlarmPlacementOptions | undefined): Map<string, string> {
  const app = newApp();
  const monitoring = new Stack(app, 'Monitoring', { env: ENV });
  const options = configure(monitoring);
  if (options) AlarmPlacement.configure(app, options);
  consumers(new Stack(app, 'Service', { env: ENV }), 12);
  const names = new Map<string, string>();
  for (const t of synthAll(app)) {
    for (const r of Object.values<any>(t.json.Resources ?? {})) {
      if (r.Type === 'AWS::CloudWatch::Alarm') names.set(r.Properties.AlarmName, t.file);
    }
  }
  return names;
}

const owner = (name: string) => name.replace(/@.*$/, '');

describe('a deliberate placement change deploys', () => {
  const NESTED = AlarmPlacementMode.NESTED_STACKS;
  const MONITORING = AlarmPlacementMode.MONITORING_STACK;
  const steps: Array<[string, (m: Stack) => AlarmPlacementOptions | undefined]> = [
    ['SAME_STACK (default)', () => undefined],
    ['NESTED_STACKS, 2 alarm stacks', () => ({ mode: NESTED, alarmStacks: 2 })],
    ['NESTED_STACKS, 3 alarm stacks', () => ({ mode: NESTED, alarmStacks: 3 })],
    ['NESTED_STACKS, 2 alarm stacks again', () => ({ mode: NESTED, alarmStacks: 2 })],
    ['MONITORING_STACK', m => ({ mode: MONITORING, monitoringStack: m })],
    ['MONITORING_STACK, 2 alarm stacks', m => ({ mode: MONITORING, monitoringStack: m, alarmStacks: 2 })],
    ['SAME_STACK again', () => undefined],
  ];
  let synths: Array<Map<string, string>> = [];
  beforeAll(() => { synths = steps.map(([, configure]) => deployedNames(configure)); });

  test.each(steps.slice(1).map(([label], i) => [steps[i][0], label, i]))('%s -> %s: no stack creates a name another stack still holds', (_from, _to, i) => {
    const before = synths[i as number];
    const after = synths[(i as number) + 1];
    expect(after.size).toBe(12 * 10);
    // CloudFormation creates the new alarms before the old stack deletes its own: an alarm whose
    // name the new app also uses must be in the same template, else the create fails
    const collisions = [...after].filter(([name, file]) => before.has(name) && before.get(name) !== file);
    expect(collisions).toEqual([]);
    // every alarm still exists, once per owner and kind
    expect(new Set([...after.keys()].map(owner))).toEqual(new Set([...before.keys()].map(owner)));
  });

  test('raising the number of alarm stacks moves only some owners; the others keep their names and templates', () => {
    const [two, three] = [synths[1], synths[2]];
    const kept = [...three].filter(([name, file]) => two.get(name) === file).length;
    const moved = [...three.keys()].filter(name => !two.has(name));
    expect(kept).toBeGreaterThan(0);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every(name => name.endsWith('@ObservedAlarms3'))).toBe(true);
    expect(kept + moved.length).toBe(12 * 10);
  });
});
