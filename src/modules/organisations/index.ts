// The organisations module's public face: the tree in time (units, successors, dated IP ranges).
export { type Attributor, loadAttributor } from './attribution.ts';
export {
  carriersOf,
  carriersOn,
  carrierTable,
  endedBefore,
  inForceOn,
  organisationByCodeOn,
  rangesOn,
} from './in-time.ts';
export { exportOrganisations, importOrganisationRows, importOrganisations, treeOrder } from './organisations.io.ts';
export { registerOrganisationRoutes } from './organisations.routes.ts';
export {
  ORGANISATION_TYPES,
  type OrganisationType,
  organisationIpRanges,
  organisations,
} from './organisations.schema.ts';
export {
  listOrganisations,
  normaliseCidrs,
  type Organisation,
  organisationOwnerBody,
  organisationScopeFilter,
  requireOrganisation,
} from './organisations.service.ts';
export { type ReorganisationReport, readReorganisation, reorganise } from './reorganise.ts';
