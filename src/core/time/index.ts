export * from './billing-period';
export * from './clock';
export * from './date-range';
export * from './plain-date';
