import { DeliveryError } from '@pushrail/destination-core';
import { failedReason, parseFailedReason } from './job-failure';

describe('a job failure across the queue', () => {
  it('reads back the kind, code and message it was written with, whatever the message holds', () => {
    const message = 'relation "pushrail.events" does not exist [permanent:42P01] {"kind":"transient"}';
    expect(parseFailedReason(failedReason(new DeliveryError('bad_row', message, '22P05')))).toEqual({ kind: 'bad_row', code: '22P05', message });
    expect(parseFailedReason(failedReason(new DeliveryError('transient', 'timeout')))).toEqual({ kind: 'transient', message: 'timeout' });
  });

  it('takes a reason it did not write (BullMQ failed the job itself) as permanent, keeping the text', () => {
    expect(parseFailedReason('job stalled more than allowable limit')).toEqual({ kind: 'permanent', message: 'job stalled more than allowable limit' });
    expect(parseFailedReason('{"kind":"exploded","message":"x"}')).toEqual({ kind: 'permanent', message: '{"kind":"exploded","message":"x"}' });
    expect(parseFailedReason(undefined)).toEqual({ kind: 'permanent', message: 'job failed without a reason' });
  });
});
