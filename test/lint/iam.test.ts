import { filterGlob, globMatch, globsIntersect, iamGlob } from '../../src/lint/iam';
import { listOf } from '../../src/lint/text';

describe('key spaces (IAM globs against S3 notification filters)', () => {
  test.each([
    ['*', '', '', true],
    ['out/*', 'in/', '', false],
    ['in/*', 'in/', '', true],
    ['*', 'in/', '.jpg', true],
    ['thumbs/*.png', '', '.jpg', false],
    ['thumbs/*', '', '.jpg', true],
    ['in/?/x', 'in/a', '', true],
    ['in/?/x', 'in/ab', '', false],
    ['exact.txt', 'ex', '.txt', true],
    ['exact.txt', 'ex', '.csv', false],
    ['a*b*c', 'ab', 'c', true],
  ])('%s against prefix "%s" suffix "%s": %s', (pattern, prefix, suffix, expected) => {
    expect(globsIntersect(iamGlob(pattern), filterGlob(prefix, suffix))).toBe(expected);
  });

  test('a literal * in a filter is not a wildcard', () => {
    expect(globsIntersect(iamGlob('out/x'), filterGlob('out/*y', ''))).toBe(false);
  });

  test('actions match case-insensitively with wildcards', () => {
    expect(globMatch('sqs:Send*', 'sqs:SendMessage', true)).toBe(true);
    expect(globMatch('SQS:*', 'sqs:SendMessage', true)).toBe(true);
    expect(globMatch('sqs:Receive*', 'sqs:SendMessage', true)).toBe(false);
  });
});

test('lists in messages', () => {
  expect(listOf(['a'])).toBe('a');
  expect(listOf(['a', 'b'])).toBe('a and b');
  expect(listOf(['a', 'b', 'c', 'd', 'e'], 3)).toBe('a, b, c and 2 more');
});
