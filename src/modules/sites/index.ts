// The sites module's face: the register of agency domains and websites, their trust checks, the .vn programme.
export {
  CHECK_VERDICTS,
  type CheckVerdict,
  checkSite,
  checkSites,
  SITE_CHECKS,
  type SiteCheckName,
  type SiteCheckReport,
  type SiteCheckResult,
} from './check/index.ts';
export { importIndicatorRows, listIndicators, plainListIndicators } from './indicators.ts';
export { checkEnvironment, registerSitesTimer, runDailySiteChecks } from './scheduler.ts';
export * from './sites.input.ts';
export { registerSitesRoutes } from './sites.routes.ts';
export { siteChecks, sites, vnIndicators } from './sites.schema.ts';
export { importSiteRows, plainSiteSummary, siteSummary } from './sites.service.ts';
export { applyCriteria, type SiteTrust, siteTrust, trustCriteria } from './trust.ts';
