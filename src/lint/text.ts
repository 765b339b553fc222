/** Helpers for rule messages. */

/** "a, b and c", or "a, b, c and 4 more" past `max` items. */
export function listOf(items: readonly string[], max = 3): string {
  if (items.length <= 1) return items[0] ?? '';
  const shown = items.length > max ? items.slice(0, max) : items.slice(0, -1);
  const last = items.length > max ? `${items.length - max} more` : items[items.length - 1];
  return `${shown.join(', ')} and ${last}`;
}

/** "sqs:SendMessage on <App/Jobs.Arn> (App/Worker/ServiceRole/DefaultPolicy)" */
export function describeGrant(grant: { action: string; match: { text: string }; statement: { source: { node: { path: string } } } }): string {
  return `${grant.action} on ${grant.match.text} (${grant.statement.source.node.path.replace(/\/Resource$/, '')})`;
}
