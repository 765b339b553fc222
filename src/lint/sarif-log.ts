import * as fs from 'fs';
import * as path from 'path';
import { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagMessageLevel } from 'cdk-nag';
import type * as sarif from 'sarif';
import type { PackRule } from './engine';

/**
 * SARIF 2.1.0 from aws-cdk-lib's validation report (`<cloud assembly>/validation-report.json`,
 * written at synth by every app that registers a validation plugin, including when synth fails).
 * One run per plugin report: this pack's, and those of cdk-nag's packs or any other plugin.
 * Acknowledged violations (aws-cdk-lib lists them as `suppressedViolations`) become results with a
 * suppression that carries the reason, so code-scanning tools show them as dismissed, not fixed.
 */

/** The validation report as aws-cdk-lib 2.27x writes it (`formatJson`). */
export interface ValidationReportJson {
  readonly version?: string;
  readonly title?: string;
  readonly pluginReports: readonly PluginReportJson[];
}

export interface PluginReportJson {
  readonly pluginName: string;
  readonly pluginVersion?: string;
  readonly conclusion?: string;
  readonly metadata?: Record<string, string>;
  readonly violations: readonly ViolationJson[];
  readonly suppressedViolations?: readonly SuppressedViolationJson[];
}

export interface ViolationJson {
  readonly ruleName: string;
  readonly description: string;
  readonly suggestedFix?: string;
  readonly severity?: string;
  readonly customSeverity?: string;
  readonly ruleMetadata?: Record<string, string>;
  readonly violatingConstructs: readonly {
    readonly constructPath: string;
    readonly constructFqn?: string;
    readonly cloudFormationResource?: { readonly templatePath: string; readonly logicalId: string; readonly propertyPaths?: readonly string[] };
  }[];
}

export interface SuppressedViolationJson extends ViolationJson {
  readonly acknowledgedId?: string;
  readonly reason?: string;
  readonly acknowledgedAt?: string;
}

/** Where a construct's resource is in the templates of the cloud assembly. */
export interface ResourceLocation {
  /** The template's path as SARIF should show it (relative to the working directory, `/`-separated). */
  readonly uri: string;
  readonly logicalId: string;
  /** 1-based line of the resource in the template, when the template could be read. */
  readonly line?: number;
}

export interface SarifOptions {
  /** Finds the template and logical ID of a construct path the report does not locate itself. */
  readonly locate?: (constructPath: string) => ResourceLocation | undefined;
  /** Turns a report's template path (relative to the cloud assembly) into a location. */
  readonly template?: (templatePath: string, logicalId: string) => ResourceLocation;
  /** Plugins that get a run even when the report has nothing from them (so that fixed findings close). */
  readonly expectedPlugins?: readonly string[];
  /** Rules known in detail, by plugin name: their level, info and explanation go into the SARIF rules. */
  readonly knownRules?: Readonly<Record<string, { readonly prefix: string; readonly rules: readonly PackRule[] }>>;
  readonly toolVersion?: string;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/cdk-observed/cdk-observed';

/** A SARIF log from a validation report. */
export function sarifFromValidationReport(report: ValidationReportJson, options: SarifOptions = {}): sarif.Log {
  const reports = [...report.pluginReports];
  for (const name of options.expectedPlugins ?? []) {
    if (!reports.some(r => r.pluginName === name)) reports.push({ pluginName: name, violations: [] });
  }
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: reports.map(r => run(r, options)) };
}

function run(report: PluginReportJson, options: SarifOptions): sarif.Run {
  const rules: sarif.ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (descriptor: sarif.ReportingDescriptor) => {
    if (ruleIndex.has(descriptor.id)) return;
    ruleIndex.set(descriptor.id, rules.length);
    rules.push(descriptor);
  };
  const known = options.knownRules?.[report.pluginName];
  for (const r of known?.rules ?? []) {
    addRule({
      id: `${known!.prefix}-${r.rule.name}`,
      name: r.rule.name,
      shortDescription: { text: r.info },
      fullDescription: { text: r.explanation },
      defaultConfiguration: { level: r.level === NagMessageLevel.ERROR ? 'error' : r.level === NagMessageLevel.WARN ? 'warning' : 'note' },
      helpUri: `${INFORMATION_URI}#serverlessops-rule-pack`,
    });
  }

  const results: sarif.Result[] = [];
  const all: { v: ViolationJson; suppressed?: SuppressedViolationJson }[] = [
    ...report.violations.map(v => ({ v })),
    ...(report.suppressedViolations ?? []).map(v => ({ v, suppressed: v })),
  ];
  for (const { v, suppressed } of all) {
    // a violation acknowledged as `Annotation::<rule>` keeps that name in aws-cdk-lib's report
    const ruleId = v.ruleName.replace(/^annotation::/i, '');
    addRule({ id: ruleId, shortDescription: { text: v.ruleMetadata?.info ?? firstSentence(v.description) } });
    for (const c of v.violatingConstructs) {
      const location = c.cloudFormationResource && options.template
        ? options.template(c.cloudFormationResource.templatePath, c.cloudFormationResource.logicalId)
        : c.cloudFormationResource
          ? { uri: c.cloudFormationResource.templatePath, logicalId: c.cloudFormationResource.logicalId }
          : options.locate?.(c.constructPath);
      const propertyPaths = (c.cloudFormationResource?.propertyPaths ?? []).filter(p => p !== '');
      const result: sarif.Result = {
        ruleId,
        ruleIndex: ruleIndex.get(ruleId),
        level: level(v.severity),
        message: { text: v.suggestedFix ? `${v.description} Fix: ${v.suggestedFix}` : v.description },
        locations: [{
          ...(location ? {
            physicalLocation: {
              artifactLocation: { uri: location.uri },
              ...(location.line ? { region: { startLine: location.line } } : {}),
            },
          } : {}),
          logicalLocations: [
            { fullyQualifiedName: c.constructPath, name: location?.logicalId, kind: 'resource' },
            // where in the resource the rule found it, e.g. Properties/Timeout
            ...propertyPaths.map(p => ({ fullyQualifiedName: `${c.constructPath}/${p}`, name: p, kind: 'property' })),
          ],
        }],
        // stable across runs while the rule and the construct stay: lets code scanning track one alert
        partialFingerprints: { 'ruleAndConstructPath/v1': `${ruleId}:${c.constructPath}` },
        properties: {
          constructPath: c.constructPath,
          ...(c.constructFqn ? { constructFqn: c.constructFqn } : {}),
          ...(location ? { logicalId: location.logicalId } : {}),
          ...(propertyPaths.length > 0 ? { propertyPaths } : {}),
        },
      };
      if (suppressed) {
        result.suppressions = [{
          kind: 'inSource',
          status: 'accepted',
          justification: suppressed.reason ?? '',
          properties: { acknowledgedId: suppressed.acknowledgedId ?? ruleId, acknowledgedAt: suppressed.acknowledgedAt ?? '' },
        }];
      }
      results.push(result);
    }
  }

  return {
    tool: {
      driver: {
        name: report.pluginName,
        ...(report.pluginVersion ? { version: report.pluginVersion } : options.toolVersion && known ? { version: options.toolVersion } : {}),
        ...(known ? { informationUri: INFORMATION_URI } : {}),
        rules,
      },
    },
    results,
    ...(report.metadata?.error ? {
      invocations: [{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: report.metadata.error } }] }],
    } : {}),
  };
}

function level(severity: string | undefined): sarif.Result.level {
  switch ((severity ?? 'error').toLowerCase()) {
    case 'fatal':
    case 'error': return 'error';
    case 'info': return 'note';
    default: return 'warning';
  }
}

function firstSentence(text: string): string {
  const m = /^(.*?[.!?])(\s|$)/.exec(text);
  return m ? m[1] : text;
}

/** A plugin's report from `validateScope` in the shape of the validation report file. */
export function pluginReportJson(pluginName: string, report: PolicyValidationPluginReport): PluginReportJson {
  return {
    pluginName,
    pluginVersion: report.pluginVersion,
    conclusion: report.success ? 'success' : 'failure',
    violations: report.violations.map(v => ({
      ruleName: v.ruleName,
      description: v.description,
      suggestedFix: v.fix,
      severity: v.severity,
      ruleMetadata: v.ruleMetadata as Record<string, string> | undefined,
      violatingConstructs: v.violatingResources.map(r => ({
        constructPath: r.constructPath ?? r.resourceLogicalId ?? '',
        ...(r.templatePath && r.resourceLogicalId
          ? { cloudFormationResource: { templatePath: r.templatePath, logicalId: r.resourceLogicalId, propertyPaths: r.locations } }
          : {}),
      })),
    })),
  };
}

/**
 * Locating constructs in a cloud assembly: each stack artifact's metadata maps construct paths to
 * logical IDs (`aws:cdk:logicalId`); nested assemblies (stages) are followed.
 */
export class CloudAssemblyTemplates {
  private readonly byPath = new Map<string, { template: string; logicalId: string }>();
  private readonly lines = new Map<string, Map<string, number>>();

  constructor(private readonly directory: string, private readonly cwd = process.cwd()) {
    this.readAssembly(directory);
  }

  /** The template and logical ID of a construct path (`Stack/Fn/Resource`). */
  public locate(constructPath: string): ResourceLocation | undefined {
    const hit = this.byPath.get(constructPath.replace(/^\//, ''));
    return hit ? this.template(path.relative(this.directory, hit.template), hit.logicalId) : undefined;
  }

  /** A template path relative to the assembly, as a SARIF location with the resource's line. */
  public template(templatePath: string, logicalId: string): ResourceLocation {
    const file = path.resolve(this.directory, templatePath);
    return { uri: path.relative(this.cwd, file).split(path.sep).join('/'), logicalId, line: this.lineOf(file, logicalId) };
  }

  private readAssembly(dir: string): void {
    const manifestFile = path.join(dir, 'manifest.json');
    if (!fs.existsSync(manifestFile)) return;
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as {
      artifacts?: Record<string, { type: string; properties?: Record<string, unknown>; metadata?: Metadata; additionalMetadataFile?: string }>;
    };
    for (const artifact of Object.values(manifest.artifacts ?? {})) {
      if (artifact.type === 'cdk:cloud-assembly' && typeof artifact.properties?.directoryName === 'string') {
        this.readAssembly(path.join(dir, artifact.properties.directoryName));
      }
      if (artifact.type !== 'aws:cloudformation:stack' || typeof artifact.properties?.templateFile !== 'string') continue;
      const template = path.join(dir, artifact.properties.templateFile);
      const metadata: Metadata = { ...(artifact.metadata ?? {}) };
      if (artifact.additionalMetadataFile && fs.existsSync(path.join(dir, artifact.additionalMetadataFile))) {
        Object.assign(metadata, JSON.parse(fs.readFileSync(path.join(dir, artifact.additionalMetadataFile), 'utf8')));
      }
      for (const [p, entries] of Object.entries(metadata)) {
        const logicalId = entries.find(e => e.type === 'aws:cdk:logicalId')?.data;
        if (typeof logicalId === 'string') this.byPath.set(p.replace(/^\//, ''), { template, logicalId });
      }
    }
  }

  /** The line of `"<logicalId>": {` in the template's Resources (templates are pretty-printed by the CDK). */
  private lineOf(file: string, logicalId: string): number | undefined {
    let map = this.lines.get(file);
    if (!map) {
      map = new Map();
      this.lines.set(file, map);
      if (fs.existsSync(file)) {
        // CDK pretty-prints templates: resource keys are the lines one level inside "Resources"
        const lines = fs.readFileSync(file, 'utf8').split('\n');
        const indent = (line: string) => line.length - line.trimStart().length;
        const start = lines.findIndex(line => /^\s*"Resources": \{\s*$/.test(line));
        if (start >= 0) {
          const outer = indent(lines[start]);
          let inner: number | undefined;
          for (let i = start + 1; i < lines.length && (lines[i].trim() === '' || indent(lines[i]) > outer); i++) {
            const key = /^\s*"([^"]+)": \{\s*$/.exec(lines[i]);
            inner ??= key ? indent(lines[i]) : undefined;
            if (key && indent(lines[i]) === inner) map.set(key[1], i + 1);
          }
        }
      }
    }
    return map.get(logicalId);
  }
}

type Metadata = Record<string, { type: string; data?: unknown }[]>;
