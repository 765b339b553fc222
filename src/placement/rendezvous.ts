import { createHash } from 'crypto';

/**
 * Which of `count` alarm stacks (1..count) holds the alarms of the owner with this key (its
 * construct path): the one with the highest hash of key and stack number (rendezvous hashing).
 * It depends on nothing but the key and the count, so adding, removing or reordering other
 * owners never changes it; raising the count from N to N+1 moves only the owners whose new
 * stack N+1 wins (about 1 in N+1), and lowering it moves only the owners of the stack removed.
 */
export function alarmStackOf(key: string, count: number): number {
  let best = 1;
  let bestScore = '';
  for (let stack = 1; stack <= count; stack++) {
    const score = createHash('sha256').update(`${stack}\0${key}`).digest('hex');
    if (score > bestScore) {
      best = stack;
      bestScore = score;
    }
  }
  return best;
}
