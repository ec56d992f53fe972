import { describe, expect, it } from 'vitest';
import { dec } from '../../core/money/decimal';
import { jsonDecimal, numberText, sameMoney, segmentEnd, threadEndpoints, toJsonNumber } from './quirks';
import { classifyAutotaskError, vendorMessagesOf } from './quirks-errors';

describe('quirks', () => {
  it('names the endpoints a request counts against for the thread limit (a child route: its entity and its root)', () => {
    expect(threadEndpoints('Services/query')).toEqual(['services']);
    expect(threadEndpoints('ContractServiceUnits/query/count')).toEqual(['contractserviceunits']);
    expect(threadEndpoints('Services/12')).toEqual(['services']);
    expect(threadEndpoints('Services')).toEqual(['services']);
    expect(threadEndpoints('ThresholdInformation')).toEqual(['thresholdinformation']);
    expect(
      threadEndpoints(
        'https://webservices3.autotask.net/atservicesrest/v1.0/ContractServiceUnits/query/next?paging=eyJ9',
      ),
    ).toEqual(['contractserviceunits']);
    expect(threadEndpoints('Contracts/29683000/ServiceAdjustments')).toEqual([
      'contractserviceadjustments',
      'contracts',
    ]);
    expect(threadEndpoints('Contracts/5/Charges')).toEqual(['contractcharges', 'contracts']);
    expect(threadEndpoints('Companies/7/Contacts')).toEqual(['companycontacts', 'companies']);
  });

  it('reads JSON numbers as exact decimals from their shortest text, exponents written out', () => {
    expect(numberText(19.8)).toBe('19.8');
    expect(numberText(1e-7)).toBe('0.0000001');
    expect(numberText(-2.5e-8)).toBe('-0.000000025');
    expect(numberText(1.5e21)).toBe('1500000000000000000000');
    expect(jsonDecimal(0.1)?.toString()).toBe('0.1');
    expect(jsonDecimal(null)).toBeUndefined();
    expect(toJsonNumber(dec('22.10'))).toBe(22.1);
    expect(() => toJsonNumber(dec('0.12345678901234567890123'))).toThrow(RangeError);
    expect(sameMoney(dec('47.255'), dec('47.26'), 2)).toBe(true);
  });

  it('turns an inclusive unit-row end into a half-open segment end', () => {
    expect(segmentEnd('2026-02-28T00:00:00Z')).toBe('2026-03-01');
  });

  it('reads vendor messages from JSON errors, ASP.NET messages and IIS pages', () => {
    expect(vendorMessagesOf('{"errors":["a","b"]}')).toEqual(['a', 'b']);
    expect(
      vendorMessagesOf('{"Message":"The requested resource does not support http method \'GET\'."}'),
    ).toHaveLength(1);
    expect(vendorMessagesOf('<html><h2>404 - File or directory not found.</h2></html>')).toEqual([
      '404 - File or directory not found.',
    ]);
  });

  it('classifies Autotask answers by status and text', () => {
    const kind = (status: number, text?: string) => classifyAutotaskError(status, text ? [text] : []).kind;
    expect(kind(500, 'IntegrationCode is invalid.')).toBe('auth');
    expect(kind(500, 'Thread Threshold Exceeded (Itgenatr005)')).toBe('rate_limited');
    expect(kind(500, 'Attempt to insert duplicate data into contract_service_period ...')).toBe('conflict');
    expect(kind(500, "Violation of UNIQUE KEY constraint 'IX_service'.")).toBe('conflict');
    expect(kind(500, 'Value does not reference an existing entity for billingCodeID . ')).toBe('validation');
    expect(kind(500, 'An unexpected error has occurred.')).toBe('unavailable');
    expect(kind(500)).toBe('unavailable');
    expect(kind(405)).toBe('protocol');
    expect(kind(404)).toBe('not_found');
    expect(classifyAutotaskError(500, ['An unexpected error has occurred.']).refusedBeforeProcessing).toBe(
      false,
    );
  });
});
