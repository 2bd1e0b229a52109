import { addAnswer, describeLeftOver, type RedriveAnswer } from './redrive';

describe('redrive answers', () => {
  it('adds the answers of each chunk, count by count', () => {
    const total: RedriveAnswer = { redriven: 0 };
    addAnswer(total, { redriven: 998, skipped: 1, skippedReasons: { destination_deleted: 1, unreadable_event: 0 }, notFound: 1, alreadyRedriven: 0 });
    addAnswer(total, { redriven: 500, skipped: 1, skippedReasons: { destination_deleted: 0, unreadable_event: 1 }, notFound: 0, alreadyRedriven: 2 });
    expect(total).toEqual({
      redriven: 1498,
      skipped: 2,
      skippedReasons: { destination_deleted: 1, unreadable_event: 1 },
      notFound: 1,
      alreadyRedriven: 2,
    });
  });

  it('describes only the counts that are not zero', () => {
    expect(describeLeftOver({ redriven: 3, skipped: 0, notFound: 0, alreadyRedriven: 0 })).toBe('');
    expect(describeLeftOver({ redriven: 1, alreadyRedriven: 1, notFound: 2, skipped: 1, skippedReasons: { destination_deleted: 1, unreadable_event: 0 } })).toBe(
      '; 1 already redriven, 2 not found, 1 skipped (destination_deleted: 1)',
    );
  });
});
