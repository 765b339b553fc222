import * as fs from 'fs';
import * as path from 'path';
import { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { ServerlessOpsChecks } from './pack';
import { CloudAssemblyTemplates, pluginReportJson, sarifFromValidationReport, SarifOptions, ValidationReportJson } from './sarif-log';

/** The file aws-cdk-lib writes into the cloud assembly when validation plugins run. */
const REPORT_FILE = 'validation-report.json';

/**
 * Lint findings as SARIF 2.1.0, the format code-scanning tools (GitHub code scanning, Azure
 * DevOps, SonarQube, ...) read.
 *
 * Every plugin in the report gets a run (this pack, cdk-nag's packs, any other); this pack's run
 * lists all its rules with their level and explanation. Acknowledged findings are results with a
 * suppression that carries the reason. Results point at the resource's line in its template and
 * name the construct path as a logical location.
 */
export class SarifReport {
  /**
   * SARIF (JSON text) from the validation report of a synthesized cloud assembly
   * (`<directory>/validation-report.json`, written by `cdk synth` when a validation plugin is
   * registered, also when the synthesis fails on an error). Template paths in the SARIF are
   * relative to the working directory.
   *
   * @param directory the cloud assembly directory, e.g. `cdk.out`
   */
  public static fromCloudAssembly(directory: string): string {
    const file = path.join(directory, REPORT_FILE);
    if (!fs.existsSync(file)) {
      throw new Error(`${file} does not exist: synthesize the app with a validation plugin registered, e.g. Validations.of(app).addPlugins(new ServerlessOpsChecks()).`);
    }
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as ValidationReportJson;
    if (!Array.isArray(report.pluginReports)) {
      throw new Error(`${file} is not a validation report written by aws-cdk-lib 2.27x (no pluginReports).`);
    }
    const templates = new CloudAssemblyTemplates(directory);
    return SarifReport.render(report, {
      locate: p => templates.locate(p),
      template: (t, id) => templates.template(t, id),
    });
  }

  /**
   * SARIF (JSON text) from one plugin's report, e.g. from `new ServerlessOpsChecks().validateScope(app)`
   * in a test or a script, without synthesizing.
   *
   * @param pluginName the plugin's name (`ServerlessOps` for this pack)
   * @param report the plugin's report
   */
  public static fromPluginReport(pluginName: string, report: PolicyValidationPluginReport): string {
    return SarifReport.render({ pluginReports: [pluginReportJson(pluginName, report)] }, {});
  }

  private static render(report: ValidationReportJson, options: SarifOptions): string {
    return JSON.stringify(sarifLog(report, options), undefined, 2) + '\n';
  }

  private constructor() {}
}

/** The SARIF log, with this pack's rules known in detail and its run always present (so that fixed findings close). */
function sarifLog(report: ValidationReportJson, options: SarifOptions): ReturnType<typeof sarifFromValidationReport> {
  return sarifFromValidationReport(report, {
    expectedPlugins: ['ServerlessOps'],
    knownRules: { ServerlessOps: { prefix: 'ServerlessOps', rules: ServerlessOpsChecks._rules() } },
    ...options,
  });
}
