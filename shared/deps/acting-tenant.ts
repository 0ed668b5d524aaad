/** The doors' face of the acting tenant (shared/store/acting-tenant.ts): imports no SDK. */
export { actAsTenant, actingTenant } from '../store/acting-tenant';
