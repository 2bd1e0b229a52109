import { histogramQuantileBound, scrapeCounter } from './prometheus-text';

const TEXT = [
  '# HELP pushrail_events_duplicates_skipped_total Rows skipped.',
  '# TYPE pushrail_events_duplicates_skipped_total counter',
  'pushrail_events_duplicates_skipped_total{destination_id="a"} 3',
  'pushrail_events_duplicates_skipped_total{destination_id="b"} 4',
  'pushrail_events_duplicates_skipped_total_other 100',
  'pushrail_delivery_latency_seconds_bucket{le="0.5",destination_id="a"} 90',
  'pushrail_delivery_latency_seconds_bucket{le="1",destination_id="a"} 99',
  'pushrail_delivery_latency_seconds_bucket{le="1.25",destination_id="a"} 100',
  'pushrail_delivery_latency_seconds_bucket{le="+Inf",destination_id="a"} 100',
].join('\n');

describe('prometheus text', () => {
  it('sums a counter over its label sets and no other metric', () => {
    expect(scrapeCounter(TEXT, 'pushrail_events_duplicates_skipped_total')).toBe(7);
    expect(scrapeCounter(TEXT, 'pushrail_missing_total')).toBe(0);
  });

  it('gives the bound of the bucket holding a quantile, across processes', () => {
    expect(histogramQuantileBound([TEXT], 'pushrail_delivery_latency_seconds', 0.5)).toBe(0.5);
    expect(histogramQuantileBound([TEXT], 'pushrail_delivery_latency_seconds', 0.99)).toBe(1);
    expect(histogramQuantileBound([TEXT, TEXT], 'pushrail_delivery_latency_seconds', 1)).toBe(1.25);
    expect(histogramQuantileBound([''], 'pushrail_delivery_latency_seconds', 0.99)).toBeNaN();
  });
});
