import { percentile, summarize } from '../../../tools/stats';

describe('percentile (nearest rank)', () => {
  it.each<[number[], number, number]>([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 10],
    [[10, 1, 5], 50, 5],
    [[7], 99, 7],
    [[3, 1], 0, 1],
  ])('of %j at p%d is %d', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('is NaN for no values', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(summarize([]).max).toBeNaN();
  });
});
