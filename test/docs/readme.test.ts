import { readFileSync } from 'fs';
import { README, renderReadme, renderedSections } from '../../scripts/readme-tables';
import { FUNCTION_ALARMS } from '../../src/function/function-alarm-catalog';

describe('README', () => {
  const readme = readFileSync(README, 'utf8');

  test('its generated tables match the alarm catalog and the defaults (run `npm run docs:alarms` after changing them)', () => {
    expect(readme).toEqual(renderReadme(readme));
  });

  test('the alarm table has one row per catalog entry, with its threshold and window', () => {
    const table = renderedSections()['function-alarms'];
    for (const [key, entry] of Object.entries(FUNCTION_ALARMS)) {
      expect(table).toContain(`| \`${key}\` | ${entry.id} |`);
    }
    expect(table).toContain('| `errorRatePercent` | ErrorRate | `IF(invocations > 0, IF(FILL(errors, 0) >= 2 OR FILL(errors, 0) >= invocations, 100 * FILL(errors, 0) / invocations, 0))`');
    expect(table).toContain('> 5 percent | 2 of 3 periods of 1 minute');
  });

  test('it holds the two commands: synthesize the demo, run the tests', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm test');
  });
});
