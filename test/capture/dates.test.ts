import { describe, expect, it } from 'vitest';
import { roughDay } from '../../src/capture/dates';

describe('roughDay', () => {
  it('reads unix seconds, datetime attributes and written WhatsApp dates', () => {
    expect(roughDay({ unix: Date.UTC(2024, 2, 12, 12) / 1000 })).toBe('2024-03-12');
    expect(roughDay({ datetime: '2024-03-12T12:00:00.000Z' })).toBe('2024-03-12');
    expect(roughDay({ prePlainText: '[10:15, 26/11/2026] Maya: ' })).toBe('2026-11-26');
    expect(roughDay({ prePlainText: '[10:54 PM, 12/9/2025] Sam: ' }, 'en-US')).toBe('2025-12-09');
    expect(roughDay({ prePlainText: '[8:05 pm, 12/9/2025] Sam: ' }, 'en-GB')).toBe('2025-09-12');
    expect(roughDay({ prePlainText: '[13:52, 2026-03-22] Li: ' })).toBe('2026-03-22');
    expect(roughDay({ visibleTime: '10:15' })).toBeNull();
  });

  it('"latest" reads a date that fits both orders as the later day, whatever the language says', () => {
    // 1 December 2024 on a day-first page whose language suggests month-first: never 12 January.
    expect(roughDay({ prePlainText: '[10:15, 01/12/2024] Maya: ' }, 'en-US')).toBe('2024-01-12');
    expect(roughDay({ prePlainText: '[10:15, 01/12/2024] Maya: ' }, 'en-US', 'latest')).toBe('2024-12-01');
    expect(roughDay({ prePlainText: '[10:15, 12/01/2024] Maya: ' }, 'en-GB', 'latest')).toBe('2024-12-01');
    expect(roughDay({ prePlainText: '[10:15, 26/11/2026] Maya: ' }, 'en-US', 'latest')).toBe('2026-11-26');
    expect(roughDay({ prePlainText: '[10:15, 3/3/2026] Maya: ' }, 'en-US', 'latest')).toBe('2026-03-03');
    expect(roughDay({ unix: Date.UTC(2024, 2, 12, 12) / 1000 }, 'en-US', 'latest')).toBe('2024-03-12');
  });
});
