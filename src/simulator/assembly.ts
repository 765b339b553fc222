import * as fs from 'fs';
import * as path from 'path';

/**
 * Templates as the simulator reads them: one template, or every stack of a cloud assembly, with
 * their nested stacks followed, merged into one template whose references mean the same thing
 * wherever an alarm lives.
 *
 * - A nested stack's resources are named `<its logical id in the parent>/<logical id>` (nested
 *   further: the chain of them); so are the stacks of an assembly of several stacks
 *   (`<stack>/<logical id>`). The resources of a single top-level stack keep their logical ids.
 * - A reference to a nested stack's parameter becomes the value the parent passes to it, and
 *   `Fn::GetAtt` of a nested stack's `Outputs.X` the output's value; `Fn::ImportValue` of an
 *   export of the assembly becomes the exported value. So an alarm in a nested alarm stack reads
 *   `${FnLogicalId}` (or `${Fn7}` by construct path) exactly as it would beside its function.
 */
export interface LoadedTemplates {
  /** The merged template. */
  readonly template: { Resources: { [id: string]: any }; Parameters: { [id: string]: any } };
  /** Template files read, in the order read. */
  readonly files: string[];
  /** Nested stacks whose templates were not found (their alarms are not simulated). */
  readonly warnings: string[];
}

interface StackNode {
  readonly qualifier: string;
  readonly template: any;
  readonly file?: string;
  readonly parent?: { readonly node: StackNode; readonly resource: any };
  readonly children: Map<string, StackNode>;
}

/** Reads every stack of a cloud assembly directory (e.g. `cdk.out`), nested assemblies (stages) too. */
export function loadAssembly(dir: string): LoadedTemplates {
  const tops: Array<{ name: string; file: string }> = [];
  collectStacks(dir, tops);
  if (tops.length === 0) throw new Error(`${dir}: the cloud assembly has no CloudFormation stacks (manifest.json lists none)`);
  const warnings: string[] = [];
  const roots = tops.map(t => readNode(t.file, tops.length === 1 ? '' : `${t.name}/`, undefined, warnings));
  return merge(roots, warnings);
}

/** Reads one template file and the nested stack templates it refers to (found beside it in a cloud assembly). */
export function loadTemplateFile(file: string): LoadedTemplates {
  const warnings: string[] = [];
  return merge([readNode(file, '', undefined, warnings)], warnings);
}

function collectStacks(dir: string, out: Array<{ name: string; file: string }>): void {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`${dir}: not a cloud assembly (no manifest.json); give a cdk.out directory or a template file`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      out.push({ name: artifact.displayName ?? id, file: path.join(dir, artifact.properties.templateFile) });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      collectStacks(path.join(dir, artifact.properties.directoryName), out);
    }
  }
}

function node(template: unknown, qualifier: string, file: string | undefined, parent: StackNode['parent']): StackNode {
  if (!template || typeof template !== 'object' || typeof (template as { Resources?: unknown }).Resources !== 'object') {
    throw new Error(`${file ?? 'template'}: not a CloudFormation template: it has no Resources`);
  }
  return { qualifier, template, file, parent, children: new Map() };
}

function readNode(file: string, qualifier: string, parent: StackNode['parent'], warnings: string[]): StackNode {
  const n = node(JSON.parse(fs.readFileSync(file, 'utf8')), qualifier, file, parent);
  for (const [id, resource] of Object.entries<any>(n.template.Resources)) {
    if (resource?.Type !== 'AWS::CloudFormation::Stack') continue;
    const nestedFile = nestedTemplateFile(path.dirname(file), resource);
    if (!nestedFile) {
      warnings.push(`nested stack ${qualifier}${id}: its template was not found beside ${path.basename(file)} (give the cloud assembly directory); its alarms are not simulated`);
      continue;
    }
    n.children.set(id, readNode(nestedFile, `${qualifier}${id}/`, { node: n, resource }, warnings));
  }
  return n;
}

/**
 * The file of a nested stack's template: from its `aws:asset:path` metadata (as `cdk synth`
 * writes it), else from the asset manifests of the directory, by the object key its TemplateURL
 * ends with.
 */
function nestedTemplateFile(dir: string, resource: any): string | undefined {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string' && fs.existsSync(path.join(dir, assetPath))) return path.join(dir, assetPath);
  const key = stringsIn(resource.Properties?.TemplateURL).map(t => /([^/]+\.json)$/.exec(t)?.[1]).filter(k => k !== undefined).pop();
  if (!key) return undefined;
  for (const manifest of fs.readdirSync(dir).filter(f => f.endsWith('.assets.json'))) {
    const files = JSON.parse(fs.readFileSync(path.join(dir, manifest), 'utf8')).files ?? {};
    for (const [hash, asset] of Object.entries<any>(files)) {
      const keys = Object.values<any>(asset.destinations ?? {}).map(d => d.objectKey);
      if (`${hash}.json` === key || keys.includes(key)) {
        const source = path.join(dir, asset.source?.path ?? '');
        if (fs.existsSync(source)) return source;
      }
    }
  }
  return undefined;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

function merge(roots: StackNode[], warnings: string[]): LoadedTemplates {
  const all: StackNode[] = [];
  const visit = (n: StackNode): void => { all.push(n); n.children.forEach(visit); };
  roots.forEach(visit);
  const exports = new Map<string, { node: StackNode; value: unknown }>();
  for (const n of all) {
    for (const output of Object.values<any>(n.template.Outputs ?? {})) {
      const name = output?.Export?.Name;
      if (typeof name === 'string') exports.set(name, { node: n, value: output.Value });
    }
  }
  const rewriter = new Rewriter(exports);
  const template: LoadedTemplates['template'] = { Resources: {}, Parameters: {} };
  for (const n of all) {
    for (const [id, resource] of Object.entries<any>(n.template.Resources)) {
      template.Resources[`${n.qualifier}${id}`] = { ...resource, Properties: rewriter.rewrite(n, resource?.Properties) };
    }
    for (const [id, parameter] of Object.entries<any>(n.template.Parameters ?? {})) template.Parameters[`${n.qualifier}${id}`] = parameter;
  }
  return { template, files: all.map(n => n.file).filter((f): f is string => f !== undefined), warnings };
}

/** Rewrites a template value of one stack into the merged template's names. */
class Rewriter {
  constructor(private readonly exports: Map<string, { node: StackNode; value: unknown }>) {}

  public rewrite(n: StackNode, value: unknown, depth = 0): any {
    if (depth > 50) throw new Error('references nest deeper than 50 levels (a cycle between stacks?)');
    if (Array.isArray(value)) return value.map(v => this.rewrite(n, v, depth));
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      if (key === 'Ref' && typeof arg === 'string') return this.ref(n, arg, depth);
      if (key === 'Fn::GetAtt') return this.getAtt(n, arg, depth);
      if (key === 'Fn::Sub') return this.sub(n, arg, depth);
      if (key === 'Fn::ImportValue' && typeof arg === 'string') {
        const exported = this.exports.get(arg);
        if (exported) return this.rewrite(exported.node, exported.value, depth + 1);
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.rewrite(n, v, depth)]));
  }

  /** The value a nested stack's parent passes for one of its parameters, if any. */
  private passed(n: StackNode, name: string): { node: StackNode; value: unknown } | undefined {
    if (!n.parent || !(name in (n.template.Parameters ?? {}))) return undefined;
    const parameters = n.parent.resource.Properties?.Parameters ?? {};
    return name in parameters ? { node: n.parent.node, value: parameters[name] } : undefined;
  }

  private ref(n: StackNode, name: string, depth: number): unknown {
    if (name.startsWith('AWS::')) return { Ref: name };
    const passed = this.passed(n, name);
    return passed ? this.rewrite(passed.node, passed.value, depth + 1) : { Ref: `${n.qualifier}${name}` };
  }

  private getAtt(n: StackNode, arg: unknown, depth: number): unknown {
    const parts = Array.isArray(arg) ? arg : typeof arg === 'string' ? arg.split(/\.(.*)/s, 2) : undefined;
    if (!parts || parts.length !== 2 || typeof parts[0] !== 'string' || typeof parts[1] !== 'string') return { 'Fn::GetAtt': this.rewrite(n, arg, depth) };
    const [id, attribute] = parts as [string, string];
    const child = n.children.get(id);
    const output = attribute.startsWith('Outputs.') ? child?.template.Outputs?.[attribute.slice('Outputs.'.length)] : undefined;
    if (child && output) return this.rewrite(child, output.Value, depth + 1);
    return { 'Fn::GetAtt': [`${n.qualifier}${id}`, attribute] };
  }

  private sub(n: StackNode, arg: unknown, depth: number): unknown {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : Array.isArray(arg) && typeof arg[0] === 'string' ? [arg[0], arg[1] ?? {}] : [undefined, undefined];
    if (text === undefined) return { 'Fn::Sub': this.rewrite(n, arg, depth) };
    const own: Record<string, unknown> = {};
    for (const [k, v] of Object.entries<unknown>(vars as Record<string, unknown>)) own[k] = this.rewrite(n, v, depth);
    const rewritten = text.replace(/\$\{([^!}][^}]*)\}/g, (whole, name: string) => {
      const [id, attribute] = name.split(/\.(.*)/s, 2);
      if (name in own || id.startsWith('AWS::')) return whole;
      if (attribute === undefined) {
        const passed = this.passed(n, id);
        if (passed) {
          own[id] = this.rewrite(passed.node, passed.value, depth + 1);
          return whole;
        }
        return `\${${n.qualifier}${id}}`;
      }
      const value = this.getAtt(n, [id, attribute], depth);
      if (!isGetAtt(value)) {
        const variable = `${n.qualifier}${id}.${attribute}`.replace(/[^A-Za-z0-9]/g, '');
        own[variable] = value;
        return `\${${variable}}`;
      }
      return `\${${n.qualifier}${id}.${attribute}}`;
    });
    return Object.keys(own).length ? { 'Fn::Sub': [rewritten, own] } : { 'Fn::Sub': rewritten };
  }
}

function isGetAtt(value: unknown): boolean {
  return !!value && typeof value === 'object' && 'Fn::GetAtt' in (value as object);
}
