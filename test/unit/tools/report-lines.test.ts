import { parseReportLine, summarizePhase } from '../../../tools/report-lines';

// Recorded from a nodejs24.x arm64 function (request ids replaced).
const COLD_TEXT =
  'REPORT RequestId: 6f1d2c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f\tDuration: 48.61 ms\tBilled Duration: 306 ms\tMemory Size: 1024 MB\tMax Memory Used: 91 MB\tInit Duration: 256.93 ms\t\n';
const WARM_TEXT =
  'REPORT RequestId: 7a2e3d4c-2b3c-4d5e-9f0a-1b2c3d4e5f60\tDuration: 6.02 ms\tBilled Duration: 7 ms\tMemory Size: 1024 MB\tMax Memory Used: 92 MB\t\n';
const WARM_XRAY =
  'REPORT RequestId: 8b3f4e5d-3c4d-4e5f-a0b1-2c3d4e5f6071\tDuration: 5.11 ms\tBilled Duration: 6 ms\tMemory Size: 1024 MB\tMax Memory Used: 92 MB\t\nXRAY TraceId: 1-6571a2b3-abcdef\tSegmentId: 0123456789abcdef\tSampled: true\t\n';
const COLD_JSON = JSON.stringify({
  time: '2026-11-28T23:59:01.123Z',
  type: 'platform.report',
  record: {
    requestId: '9c405f6e-4d5e-4f60-b1c2-3d4e5f607182',
    metrics: {
      durationMs: 51.2,
      billedDurationMs: 311,
      memorySizeMB: 1024,
      maxMemoryUsedMB: 90,
      initDurationMs: 259.4,
    },
    status: 'success',
  },
});
const WARM_JSON = JSON.stringify({
  time: '2026-11-28T23:59:02.456Z',
  type: 'platform.report',
  record: {
    requestId: 'ad516a7f-5e6f-4071-82d3-4e5f60718293',
    metrics: { durationMs: 4.9, billedDurationMs: 5, memorySizeMB: 1024, maxMemoryUsedMB: 91 },
    status: 'success',
  },
});

describe('parseReportLine', () => {
  it.each([
    [
      COLD_TEXT,
      {
        requestId: '6f1d2c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f',
        durationMs: 48.61,
        billedDurationMs: 306,
        memorySizeMb: 1024,
        maxMemoryUsedMb: 91,
        initDurationMs: 256.93,
      },
    ],
    [
      WARM_TEXT,
      {
        requestId: '7a2e3d4c-2b3c-4d5e-9f0a-1b2c3d4e5f60',
        durationMs: 6.02,
        billedDurationMs: 7,
        memorySizeMb: 1024,
        maxMemoryUsedMb: 92,
      },
    ],
    [
      WARM_XRAY,
      {
        requestId: '8b3f4e5d-3c4d-4e5f-a0b1-2c3d4e5f6071',
        durationMs: 5.11,
        billedDurationMs: 6,
        memorySizeMb: 1024,
        maxMemoryUsedMb: 92,
      },
    ],
    [
      COLD_JSON,
      {
        requestId: '9c405f6e-4d5e-4f60-b1c2-3d4e5f607182',
        durationMs: 51.2,
        billedDurationMs: 311,
        memorySizeMb: 1024,
        maxMemoryUsedMb: 90,
        initDurationMs: 259.4,
      },
    ],
    [
      WARM_JSON,
      {
        requestId: 'ad516a7f-5e6f-4071-82d3-4e5f60718293',
        durationMs: 4.9,
        billedDurationMs: 5,
        memorySizeMb: 1024,
        maxMemoryUsedMb: 91,
      },
    ],
  ])('reads %j', (line, report) => {
    expect(parseReportLine(line)).toEqual(report);
  });

  it.each([
    'START RequestId: 6f1d2c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f Version: $LATEST',
    'END RequestId: 6f1d2c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f',
    '{"timestamp":"2026-11-28T23:59:01Z","level":"INFO","message":{"msg":"webhook","status":200}}',
    '{"type":"platform.start","record":{"requestId":"x"}}',
    'REPORT RequestId: 6f1d2c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f\tDuration: n/a',
    '{not json',
  ])('ignores %j', (line) => {
    expect(parseReportLine(line)).toBeUndefined();
  });
});

describe('summarizePhase', () => {
  it('joins calls with their reports by request id and counts the missing', () => {
    const reports = new Map(
      [COLD_TEXT, COLD_JSON].map((line) => {
        const report = parseReportLine(line);
        if (!report) throw new Error('fixture does not parse');
        return [report.requestId, report] as const;
      }),
    );
    const phase = summarizePhase(
      [
        { requestId: '6f1d2c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f', latencyMs: 420 },
        { requestId: '9c405f6e-4d5e-4f60-b1c2-3d4e5f607182', latencyMs: 380 },
        { requestId: undefined, latencyMs: 2000 },
      ],
      reports,
    );
    expect(phase.missingReports).toBe(1);
    expect(phase.endToEndMs).toMatchObject({ count: 3, p50: 420, p99: 2000 });
    expect(phase.durationMs).toMatchObject({ count: 2, p50: 48.61, max: 51.2 });
    expect(phase.initDurationMs).toMatchObject({ count: 2, p50: 256.93, p99: 259.4 });
    expect(phase.maxMemoryUsedMb.max).toBe(91);
  });
});
