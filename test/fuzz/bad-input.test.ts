import { describe as lines, fuzz } from './report';

/**
 * Bad input at a modest count with a fixed seed: every generated use of the library (valid,
 * boundary and invalid values, tokens, combinations, over every public construct and method)
 * either synthesizes a template that passes CloudFormation's schema validation, the ServerlessOps
 * pack and the case's own checks, or is refused with the library's error naming the construct
 * path, a prop the case set, the value and what is allowed. `scripts/fuzz.ts` runs 10,000.
 */
test('no unhelpful refusal and no wrong template', () => {
  const figures = fuzz(120, 17);
  const failures = figures.failures.map(f => `${f.outcome} ${f.target}: ${f.detail}\n  input: ${JSON.stringify(f.input).slice(0, 400)}`);
  expect({ failures, summary: lines(figures)[0] }).toEqual({ failures: [], summary: expect.any(String) });
  // the generators reach both sides: some cases are accepted, some refused
  expect(figures.outcomes['accepted-clean']).toBeGreaterThan(10);
  expect(figures.outcomes['refused-good']).toBeGreaterThan(10);
}, 120_000);
