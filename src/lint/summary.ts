import { Stack } from 'aws-cdk-lib';
import { RawFinding } from './engine';

/** Findings reported as one violation, with its message. */
export interface FindingGroup {
  readonly findings: readonly RawFinding[];
  readonly message: string;
}

/**
 * Groups the findings of rules that are reported once per stack (those with `summarize`): the
 * unacknowledged findings of one rule, level and stack become one violation whose message lists
 * their `summary` items, at the place of the first one. Every other finding, an acknowledged one,
 * and a stack's only finding of the rule stay on their own with their full message.
 */
export function summarizePerStack(findings: readonly RawFinding[]): FindingGroup[] {
  const slots: (RawFinding | RawFinding[])[] = [];
  const open = new Map<string, RawFinding[]>();
  for (const f of findings) {
    if (!f.rule.summarize || f.summary === undefined || f.acknowledged) {
      slots.push(f);
      continue;
    }
    const key = `${f.ruleId}\u0000${f.rule.level}\u0000${Stack.of(f.node).node.path}`;
    const group = open.get(key);
    if (group) {group.push(f);} else {
      const created = [f];
      open.set(key, created);
      slots.push(created);
    }
  }
  return slots.map(slot => {
    if (!Array.isArray(slot)) return { findings: [slot], message: slot.message };
    if (slot.length === 1) return { findings: slot, message: slot[0].message };
    const first = slot[0];
    return { findings: slot, message: first.rule.summarize!(Stack.of(first.node).node.path, slot.map(f => f.summary!)) };
  });
}
