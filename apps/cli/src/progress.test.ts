import { PassThrough } from 'node:stream';
import { NO_PROGRESS, progressBar } from './progress';

function stream(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const s = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  s.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream: s, text: () => text };
}

describe('progressBar', () => {
  it('draws nothing when the stream is not a terminal', () => {
    const { stream: s, text } = stream(false);
    const progress = progressBar(s, 2_500, 'redriving');
    expect(progress).toBe(NO_PROGRESS);
    progress.increment(1_000);
    progress.stop();
    expect(text()).toBe('');
  });

  it('draws the count on a terminal', () => {
    const { stream: s, text } = stream(true);
    const progress = progressBar(s, 2_500, 'redriving');
    progress.increment(1_000);
    progress.increment(1_500);
    progress.stop();
    expect(text()).toContain('redriving [');
    expect(text()).toContain('2500/2500');
  });
});
