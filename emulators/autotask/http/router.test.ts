import { describe, expect, it } from 'vitest';
import { matchRoute, routeKey } from './router';

describe('matchRoute', () => {
  it('is case-insensitive on the base path, version and entity names', () => {
    for (const url of ['/atservicesrest/v1.0/companies/query', '/ATServicesRest/V1.0/Companies/query?x=1']) {
      const r = matchRoute(url);
      expect(r.kind).toBe('query');
      expect(r.kind === 'query' && r.meta.name).toBe('Companies');
    }
    expect(matchRoute('/ATSERVICESREST/VersionInformation').kind).toBe('version');
    expect(matchRoute('/atservicesrest/v1.0/zoneinformation?user=x').kind).toBe('zone');
    expect(matchRoute('/atservicesrest/v1.0/thresholdInformation').kind).toBe('threshold');
  });

  it('resolves ids, metadata, counts, next pages and child routes', () => {
    expect(matchRoute('/atservicesrest/v1.0/Services/123')).toMatchObject({ kind: 'byId', id: 123 });
    expect(matchRoute('/atservicesrest/v1.0/Services/query/count').kind).toBe('count');
    expect(matchRoute('/atservicesrest/v1.0/Services/query/next?paging=x').kind).toBe('next');
    expect(matchRoute('/atservicesrest/v1.0/Services/entityInformation/fields').kind).toBe('fields');
    expect(matchRoute('/atservicesrest/v1.0/Services/entityinformation/userdefinedfields').kind).toBe('udfs');
    const child = matchRoute('/atservicesrest/v1.0/contracts/7/serviceadjustments');
    expect(child).toMatchObject({ kind: 'child', parentId: 7 });
    expect(child.kind === 'child' && child.meta.name).toBe('ContractServiceAdjustments');
    expect(matchRoute('/atservicesrest/v1.0/Contracts/7/Services/9')).toMatchObject({
      kind: 'childById',
      id: 9,
    });
    expect(matchRoute('/atservicesrest/v1.0/Contracts/7/ServiceUnits').kind).toBe('child');
  });

  it('answers notFound for unknown entities and shapes', () => {
    expect(matchRoute('/atservicesrest/v1.0/Tickets/query').kind).toBe('notFound');
    expect(matchRoute('/atservicesrest/v1.0/Companies/abc').kind).toBe('notFound');
    expect(matchRoute('/atservicesrest/v2.0/Companies/query').kind).toBe('notFound');
    expect(matchRoute('/other').kind).toBe('notFound');
    expect(matchRoute('/atservicesrest/v1.0/Companies/1/Services').kind).toBe('notFound');
  });

  it('gives normalised route keys for the request log', () => {
    const url = '/atservicesrest/v1.0/contracts/7/serviceadjustments';
    expect(routeKey(matchRoute(url), url)).toBe('/V1.0/Contracts/{id}/ServiceAdjustments');
    expect(routeKey(matchRoute('/x/y'), '/x/y')).toBe('/x/y');
  });
});
