import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ObservedFunction, ObservedQueue } from '../../src';
import { MINIMAL } from '../helpers';

export const ENV = { account: '123456789012', region: 'us-east-1' };

export interface TemplateStats { file: string; resources: number; parameters: number; bytes: number; json: any }

/**
 * An app that writes its cloud assembly to a fresh temporary directory, without aws-cdk-lib's
 * schema validation of every template (most of synth time; these tests are about placement).
 */
export function newApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'placement-')), builtinCloudFormationValidation: false });
}

/** Synthesizes the app and reads every template it wrote (nested ones too), then removes them. */
export function synthAll(app: App): TemplateStats[] {
  const assembly = app.synth();
  try {
    return fs.readdirSync(assembly.directory).filter(f => f.endsWith('.template.json')).map(file => {
      const text = fs.readFileSync(path.join(assembly.directory, file), 'utf8');
      const json = JSON.parse(text);
      return {
        file,
        resources: Object.keys(json.Resources ?? {}).length,
        parameters: Object.keys(json.Parameters ?? {}).length,
        bytes: Buffer.byteLength(text),
        json,
      };
    });
  } finally {
    fs.rmSync(assembly.directory, { recursive: true, force: true });
  }
}

/** `pairs` functions, each consuming its own queue (the scale benchmark's unit). */
export function consumers(stack: Stack, pairs: number, prefix = ''): ObservedFunction[] {
  const fns: ObservedFunction[] = [];
  for (let i = 0; i < pairs; i++) {
    const fn = new ObservedFunction(stack, `${prefix}Fn${i}`, { ...MINIMAL, asyncFailureQueue: false });
    fn.consumeQueue(new ObservedQueue(stack, `${prefix}Queue${i}`));
    fns.push(fn);
  }
  return fns;
}

export const alarmsIn = (t: TemplateStats) => Object.values(t.json.Resources ?? {}).filter((r: any) => r.Type === 'AWS::CloudWatch::Alarm').length;
