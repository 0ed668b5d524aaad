// The port the workflow calls models through is the gateway's (shared/gateway/team-models.ts).
export type { EmployeeCall, MeteredResponse, TeamModels } from '../gateway/team-models';
