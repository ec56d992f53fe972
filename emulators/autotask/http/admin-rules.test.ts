import { afterEach, describe, expect, it } from 'vitest';
import { createAutotaskEmulator } from '../create-emulator';
import { DEFAULT_LIMITS, DEFAULT_RULES } from '../options';
import { startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('admin API: rules and limits', () => {
  it('GET /rules shows the switches; PUT /rules changes some and checks every value', async () => {
    emu = await startTestEmulator({ rules: { unitRowEnd: 'day-before' } });
    expect((await emu.raw('GET', '/_emulator/rules')).body.rules).toEqual({
      ...DEFAULT_RULES,
      unitRowEnd: 'day-before',
    });
    const put = await emu.raw('PUT', '/_emulator/rules', { unitRowPrice: 'stored', adjustmentDayShift: -2 });
    expect(put.body.rules).toMatchObject({
      unitRowEnd: 'day-before',
      unitRowPrice: 'stored',
      adjustmentDayShift: -2,
    });
    expect(emu.ctx.rules.unitRowPrice).toBe('stored');
    for (const bad of [
      { nope: 1 },
      { unitRowEnd: 'never' },
      { postedPeriodAdjustments: 'allow' },
      { adjustmentDayShift: 1.5 },
      { unknownUserStatus: '401' },
      ['unitRowEnd'],
    ]) {
      const res = await emu.raw('PUT', '/_emulator/rules', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error).toMatch(/^rules/);
    }
    expect((await emu.raw('GET', '/_emulator/rules')).body.rules.unitRowPrice).toBe('stored');
  });

  it('GET /limits shows the dialects', async () => {
    emu = await startTestEmulator();
    expect((await emu.raw('GET', '/_emulator/limits')).body.limits).toEqual(DEFAULT_LIMITS);
  });

  it('refuses unknown or invalid switches at creation', () => {
    expect(() => createAutotaskEmulator({ rules: { unitRowEnd: 'later' as 'overlap' } })).toThrow(
      /rules\.unitRowEnd/,
    );
    expect(() => createAutotaskEmulator({ limits: { overThresholdText: 'x' as 'limit-reached' } })).toThrow(
      /limits\.overThresholdText/,
    );
  });
});
