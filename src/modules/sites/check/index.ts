// The website trust checker: used by the register's on-demand and daily checks and by `khien sites check`.
export { checkSite, checkSites, DEFAULT_EXPIRY_WARN_DAYS, DEFAULT_TIMEOUT_MS, siteTarget } from './check.ts';
export * from './types.ts';
