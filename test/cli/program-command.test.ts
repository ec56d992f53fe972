import { describe, expect, it } from 'vitest';
import { programPatchOf, programText } from '../../src/cli/commands/program';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { ProgramPatch } from '../../src/services/sync/program-schemas';

/** `billsync program set / show`: flags to the settings change, and the settings in words (no process, no PSA). */
describe('billsync program set / show', () => {
  it('--charge-code ID sets the charge code for corrections; none (or off) goes back to the default', () => {
    expect(programPatchOf({ target: 'autotask', chargeCode: ' 29683500 ' })).toEqual({
      chargeCodeId: '29683500',
    });
    expect(programPatchOf({ target: 'autotask', chargeCode: 'none' })).toEqual({ chargeCodeId: null });
    expect(programPatchOf({ target: 'autotask', chargeCode: 'OFF' })).toEqual({ chargeCodeId: null });
    // The API validates the same change.
    expect(ProgramPatch.safeParse({ chargeCodeId: '29683500' }).success).toBe(true);
    expect(ProgramPatch.safeParse({ chargeCodeId: 29683500 }).success).toBe(false);
  });

  it('--recon-email switches the monthly reconciliation e-mail, and show says so', () => {
    expect(programPatchOf({ target: 'autotask', reconEmail: 'on' })).toEqual({ reconEmail: true });
    expect(programPatchOf({ target: 'autotask', reconEmail: 'off' })).toEqual({ reconEmail: false });
    expect(() => programPatchOf({ target: 'autotask', reconEmail: 'maybe' })).toThrow(/--recon-email/);
    expect(ProgramPatch.safeParse({ reconEmail: true }).success).toBe(true);
    const view = { target: 'autotask' as const, configured: true, settings: DEFAULT_PROGRAM };
    expect(programText(view)).toMatch(/Monthly reconciliation e-mail: off/);
    const on = { ...view, settings: { ...DEFAULT_PROGRAM, reconEmail: true } };
    expect(programText(on)).toMatch(/Monthly reconciliation e-mail: on/);
  });

  it('show names the charge code, or the PSA default it falls back to', () => {
    const view = { target: 'autotask' as const, configured: true, settings: DEFAULT_PROGRAM };
    expect(programText(view)).toMatch(
      /Charge code: +\(default: Autotask's first active Material Cost Code \(lowest id\)\)/,
    );
    const set = programText({ ...view, settings: { ...DEFAULT_PROGRAM, chargeCodeId: '29683500' } });
    expect(set).toMatch(/Charge code: +29683500$/m);
  });
});
