import { describe, expect, it } from 'vitest';
import { createCompanyMatcher, nameTokens, normalizeCompanyName } from './company-match';

const companies = [
  { id: '1', name: 'Contoso Ltd.' },
  { id: '2', name: 'Fabrikam, Inc' },
  { id: '3', name: 'Northwind Traders GmbH' },
  { id: '4', name: 'Alpine Ski House' },
  { id: '5', name: 'Tailspin Toys Corp' },
  { id: '6', name: 'Tailspin Travel Corp' },
  { id: '7', name: 'Smith & Sons Limited' },
  { id: '8', name: 'Café Müller AG' },
];

describe('normalizeCompanyName', () => {
  it('drops case, punctuation, accents and legal forms', () => {
    expect(normalizeCompanyName('Contoso, Ltd.')).toBe('contoso');
    expect(normalizeCompanyName('FABRIKAM INC')).toBe('fabrikam');
    expect(normalizeCompanyName('Smith & Sons Limited')).toBe('smith sons');
    expect(normalizeCompanyName('Café Müller AG')).toBe('cafe muller');
    expect(normalizeCompanyName('A1 Holdings LLC')).toBe('a1 holdings');
  });

  it('keeps the words when the name is only a legal form', () => {
    expect(nameTokens('The Company Ltd')).toEqual(['company']);
    expect(nameTokens('Ltd')).toEqual(['ltd']);
  });
});

describe('createCompanyMatcher', () => {
  const suggest = createCompanyMatcher(companies);

  it('says "same name" only for the same name; a name that differs in its legal form is said so', () => {
    expect(suggest({ name: 'contoso, ltd', domain: '' })).toEqual({
      companyId: '1',
      companyName: 'Contoso Ltd.',
      score: 1,
      reason: 'same name',
    });
    expect(suggest({ name: 'Contoso Limited', domain: '' })).toEqual({
      companyId: '1',
      companyName: 'Contoso Ltd.',
      score: 0.98,
      reason: 'same name apart from the legal form',
    });
    expect(suggest({ name: 'Smith and Sons Limited', domain: '' })).toMatchObject({ reason: 'same name' });
    expect(suggest({ name: 'Alpine Ski House Ltd', domain: '' })).toMatchObject({
      companyId: '4',
      reason: 'same name apart from the legal form',
    });
    expect(suggest({ name: 'fabrikam', domain: 'x.onmicrosoft.com' })?.companyId).toBe('2');
    expect(suggest({ name: 'Smith and Sons', domain: '' })?.companyId).toBe('7');
    expect(suggest({ name: 'Cafe Muller', domain: '' })?.companyId).toBe('8');
  });

  it('suggests by the domain when the names differ', () => {
    expect(suggest({ name: 'NWT Holdings', domain: 'northwindtraders.onmicrosoft.com' })).toMatchObject({
      companyId: '3',
      reason: 'domain',
    });
  });

  it('suggests a similar name and says so', () => {
    expect(suggest({ name: 'Alpine Ski House Europe', domain: '' })).toMatchObject({
      companyId: '4',
      reason: 'similar name',
      score: 0.86,
    });
  });

  it('suggests nothing when two companies are equally close or nothing is close', () => {
    expect(suggest({ name: 'Tailspin', domain: '' })).toBeUndefined();
    expect(suggest({ name: 'Wingtip Toys', domain: '' })).toBeUndefined();
    expect(suggest({ name: 'Woodgrove Bank', domain: 'woodgrove.onmicrosoft.com' })).toBeUndefined();
  });

  it('stays fast for thousands of companies', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({
      id: String(i),
      name: `Company ${i} Services Ltd`,
    }));
    const match = createCompanyMatcher(many);
    const started = performance.now();
    for (let i = 0; i < 200; i += 1) match({ name: `Company ${i * 7} Services`, domain: '' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(match({ name: 'Company 42 Services', domain: '' })?.companyId).toBe('42');
  });
});
