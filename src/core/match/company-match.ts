/**
 * Suggests which PSA company an unmapped Microsoft customer is (spec section 5: "billsync suggests a match
 * (company name / domain similarity) for unmapped customers; the user confirms"). Pure and deterministic.
 */

export interface MatchCompany {
  id: string;
  name: string;
}

export interface MatchCustomer {
  name: string;
  /** Default domain, e.g. `contoso.onmicrosoft.com`; empty when unknown. */
  domain: string;
}

export const SUGGESTION_REASONS = [
  'same name',
  'same name apart from the legal form',
  'domain',
  'similar name',
] as const;
export type SuggestionReason = (typeof SUGGESTION_REASONS)[number];

export interface CompanySuggestion {
  companyId: string;
  companyName: string;
  /** 0..1, two decimals: 1 = the same name (case, accents, punctuation and spacing aside). */
  score: number;
  /**
   * `same name` only when the names are the same (case, accents, punctuation and spacing aside); `same name apart
   * from the legal form` when they differ only in legal forms and filler words (`Contoso` / `Contoso Ltd.`).
   */
  reason: SuggestionReason;
}

/** Legal forms and filler words that say nothing about who a company is. */
const IGNORED = new Set([
  'ltd',
  'limited',
  'inc',
  'incorporated',
  'llc',
  'llp',
  'lp',
  'gmbh',
  'corp',
  'corporation',
  'co',
  'plc',
  'ag',
  'bv',
  'nv',
  'sa',
  'sarl',
  'srl',
  'spa',
  'pty',
  'pte',
  'kg',
  'ab',
  'oy',
  'the',
  'and',
  'of',
]);

/** Words of a name: lower case, accents and punctuation gone (`&` is `and`). */
function words(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .split(' ')
    .filter((w) => w.length > 0);
}

/** The words that identify a company: legal forms dropped (unless nothing else is left). */
export function nameTokens(name: string): string[] {
  const all = words(name);
  const kept = all.filter((w) => !IGNORED.has(w));
  return kept.length > 0 ? kept : all;
}

/** `Contoso, Ltd.` -> `contoso`: the comparable form of a company name. */
export function normalizeCompanyName(name: string): string {
  return nameTokens(name).join(' ');
}

/** `contoso.onmicrosoft.com` -> `contoso`; `mail.fabrikam.co.uk` -> `mail`; '' -> undefined. */
function domainLabel(domain: string): string | undefined {
  const label = domain
    .trim()
    .toLowerCase()
    .split('.')[0]
    ?.replace(/[^a-z0-9]/g, '');
  return label && label.length >= 3 ? label : undefined;
}

const MIN_SCORE = 0.6;
/** The names differ only in legal forms and filler words: just below the same name. */
const LEGAL_FORM_SCORE = 0.98;
const round2 = (n: number) => Math.round(n * 100) / 100;

interface Indexed {
  company: MatchCompany;
  tokens: Set<string>;
}

/**
 * A matcher over the PSA's companies, built once and asked per customer (an inverted word index keeps it fast
 * for thousands of companies). A tie between two companies at the best score suggests nothing: the user picks.
 */
export function createCompanyMatcher(
  companies: readonly MatchCompany[],
): (c: MatchCustomer) => CompanySuggestion | undefined {
  const indexed: Indexed[] = companies.map((company) => ({
    company,
    tokens: new Set(nameTokens(company.name)),
  }));
  const byWord = new Map<string, Indexed[]>();
  const byCompact = new Map<string, Indexed[]>();
  const byExact = new Map<string, Indexed[]>();
  const add = (map: Map<string, Indexed[]>, key: string, entry: Indexed) => {
    const list = map.get(key) ?? [];
    if (!list.includes(entry)) list.push(entry);
    map.set(key, list);
  };
  for (const entry of indexed) {
    for (const w of entry.tokens) add(byWord, w, entry);
    add(byCompact, [...entry.tokens].join(''), entry);
    add(byCompact, words(entry.company.name).join(''), entry);
    add(byExact, words(entry.company.name).join(''), entry);
  }

  const common = Math.max(25, Math.ceil(indexed.length * 0.02));

  return (customer) => {
    const scores = new Map<Indexed, { score: number; reason: SuggestionReason }>();
    const offer = (entry: Indexed, score: number, reason: SuggestionReason) => {
      const known = scores.get(entry);
      if (!known || known.score < score) scores.set(entry, { score, reason });
    };
    const mine = new Set(nameTokens(customer.name));
    for (const entry of byExact.get(words(customer.name).join('')) ?? []) offer(entry, 1, 'same name');
    for (const entry of byCompact.get([...mine].join('')) ?? [])
      offer(entry, LEGAL_FORM_SCORE, 'same name apart from the legal form');
    const label = domainLabel(customer.domain);
    if (label) for (const entry of byCompact.get(label) ?? []) offer(entry, 0.9, 'domain');
    // Candidates share a distinctive word ("Services", "Group" are in too many names to say anything).
    const rare = [...mine].filter((w) => (byWord.get(w)?.length ?? 0) <= common);
    for (const w of rare.length > 0 ? rare : mine) {
      for (const entry of byWord.get(w) ?? []) {
        if ((scores.get(entry)?.score ?? 0) >= LEGAL_FORM_SCORE) continue;
        let shared = 0;
        for (const t of entry.tokens) if (mine.has(t)) shared += 1;
        offer(entry, (2 * shared) / (mine.size + entry.tokens.size), 'similar name');
      }
    }
    let best: { entry: Indexed; score: number; reason: SuggestionReason } | undefined;
    let tied = false;
    for (const [entry, s] of scores) {
      if (!best || s.score > best.score) {
        best = { entry, ...s };
        tied = false;
      } else if (s.score === best.score && entry.company.id !== best.entry.company.id) {
        tied = true;
      }
    }
    if (!best || tied || best.score < MIN_SCORE) return undefined;
    return {
      companyId: best.entry.company.id,
      companyName: best.entry.company.name,
      score: round2(best.score),
      reason: best.reason,
    };
  };
}
