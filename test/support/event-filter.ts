/**
 * A small evaluator of Lambda event-filter patterns, following the rules Lambda documents for
 * event filtering: a record is processed when it matches any pattern; within a pattern every key
 * must match; an array lists accepted values (OR); an object descends into the record; matchers
 * are literal values, `prefix`, `suffix`, `anything-but` (the field must exist and differ), and
 * `exists` (`false` matches an absent field, including one whose parent is absent).
 */
type Pattern = { [key: string]: any };

export function lambdaProcesses(record: unknown, patterns: Pattern[]): boolean {
  return patterns.some(p => matchesObject(record, p));
}

function matchesObject(value: any, pattern: Pattern): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const field = value !== null && typeof value === 'object' ? value[key] : undefined;
    return Array.isArray(rule) ? rule.some(m => matchesValue(field, m)) : matchesObject(field, rule);
  });
}

function matchesValue(field: any, matcher: any): boolean {
  if (Array.isArray(field)) return field.some(f => matchesValue(f, matcher));
  if (matcher === null || typeof matcher !== 'object') return field === matcher;
  if ('exists' in matcher) return matcher.exists ? field !== undefined : field === undefined;
  if (field === undefined) return false;
  if ('prefix' in matcher) return typeof field === 'string' && field.startsWith(matcher.prefix);
  if ('suffix' in matcher) return typeof field === 'string' && field.endsWith(matcher.suffix);
  if ('anything-but' in matcher) return ![matcher['anything-but']].flat().includes(field);
  throw new Error(`matcher not supported by this evaluator: ${JSON.stringify(matcher)}`);
}
