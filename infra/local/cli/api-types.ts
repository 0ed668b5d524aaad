/**
 * Generated from functions/openapi.json by `npm run api:types` (openapi-typescript); do not edit.
 * The CLI's client (api-client.ts) calls the API through these types with openapi-fetch.
 */
export interface paths {
    "/v1/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tenant's tasks, newest first
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["ListTasks"];
        put?: never;
        /**
         * Create a task and start its run
         * @description Needs the `tasks:write` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        post: operations["CreateTask"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A task with its plan and step results
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["GetTask"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A task's event log after a cursor, optionally with streamed text
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["ListEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every file of the task's workspace with its size
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["ListFiles"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}/files/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One file of the task's workspace
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["GetFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The whole workspace as one zip or tar download
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["GetArchive"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a task that has not ended
         * @description Needs the `tasks:write` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        post: operations["CancelTask"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve the waiting plan, optionally edited
         * @description Needs the `tasks:write` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        post: operations["ApproveTask"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reject the waiting plan; the task is cancelled
         * @description Needs the `tasks:write` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        post: operations["RejectTask"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rerun a failed task from its last completed step
         * @description Needs the `tasks:write` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        post: operations["ResumeTask"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/samples": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The built-in sample tasks the demo model plays
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["ListSamples"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/employees": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tenant's team: built-in employees and its own
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["ListEmployees"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/employees/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Define or override one of the tenant's employees
         * @description Needs the `admin` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        put: operations["PutEmployee"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The model catalog as this tenant sees it, and which providers are live
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["ListModels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Add a model to the tenant's catalog, or override a shipped one
         * @description Needs the `admin` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        put: operations["PutModel"];
        post?: never;
        /**
         * Remove the tenant's own model or price override
         * @description Needs the `admin` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        delete: operations["DeleteModel"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tenant's spend cap, approval threshold and cache opt-in
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["GetSettings"];
        /**
         * Change some of the settings
         * @description Needs the `admin` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        put: operations["PutSettings"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Where the API and the live socket are, and whether auth is on
         * @description No credential: a signed-out dashboard reads it to learn how to sign in.
         */
        get: operations["GetConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The month's model cost by day, employee and model
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["GetUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tenant's keys (revoked ones too), never their secrets
         * @description Needs the `admin` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["ListKeys"];
        put?: never;
        /**
         * A new API key, whose whole text is in this answer only
         * @description Needs the `admin` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        post: operations["CreateKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke one of the tenant's keys
         * @description Needs the `admin` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        delete: operations["RevokeKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tenant's audit records, newest first
         * @description Needs the `admin` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["ListAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/documents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tenant's documents with their ingestion status
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["ListDocuments"];
        put?: never;
        /**
         * Store a document and queue its ingestion into memory
         * @description Needs the `tasks:write` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        post: operations["AddDocument"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/documents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a document, its chunks and vectors
         * @description Needs the `tasks:write` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        delete: operations["DeleteDocument"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/memories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What the team remembers of the tenant's finished tasks
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["ListMemories"];
        put?: never;
        post?: never;
        /**
         * Forget every memory of the tenant
         * @description Needs the `tasks:write` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        delete: operations["DeleteMemories"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/memories/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Forget one memory
         * @description Needs the `tasks:write` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        delete: operations["DeleteMemory"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The plan, its entitlements and the subscription
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["GetBilling"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The month's spend as recorded and reported to Stripe
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["GetBillingUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/invoices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tenant's invoices, newest first
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["ListInvoices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A Stripe Checkout URL for a paid plan
         * @description Needs the `admin` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        post: operations["CreateCheckout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/portal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A Stripe Customer Portal URL
         * @description Needs the `admin` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        post: operations["CreatePortal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/overage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Allow spend beyond the plan's monthly credit
         * @description Needs the `admin` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        put: operations["PutOverageCap"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document
         * @description Needs the `tasks:read` scope (`admin` implies every scope, `tasks:write` implies `tasks:read`).
         */
        get: operations["GetOpenApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/billing/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stripe's events, verified by their signature (no API key)
         * @description No API key: Stripe proves itself with the `Stripe-Signature` header over the raw body.
         */
        post: operations["StripeWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            error: {
                code: string;
                message: string;
                details?: unknown;
            };
        };
    };
    responses: {
        /** @description A typed error: `code` names it, `details` says what to act on */
        Error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    ListTasks: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tenant's tasks, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        tasks: {
                            tenantId: string;
                            id: string;
                            title: string;
                            prompt: string;
                            /** @enum {string} */
                            status: "queued" | "planning" | "awaiting_approval" | "running" | "succeeded" | "failed" | "cancelled";
                            /** @enum {string} */
                            preference: "quality" | "balanced" | "cheap";
                            requireApproval: boolean;
                            budgetMicroUsd?: number;
                            stepCount: number;
                            stepsDone: number;
                            totals: {
                                inputTokens: number;
                                outputTokens: number;
                                cachedInputTokens: number;
                                costMicroUsd: number;
                            };
                            createdAt: string;
                            updatedAt: string;
                            finishedAt?: string;
                            failure?: {
                                code: string;
                                message: string;
                            };
                            summary?: string;
                            executionId?: string;
                            notes?: {
                                at: string;
                                text: string;
                            }[];
                            team?: {
                                employees: string[];
                                models?: {
                                    [key: string]: string;
                                };
                            };
                        }[];
                        next?: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    CreateTask: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    prompt: string;
                    title?: string;
                    /**
                     * @default balanced
                     * @enum {string}
                     */
                    preference?: "quality" | "balanced" | "cheap";
                    /** @default false */
                    requireApproval?: boolean;
                    budgetUsd?: number;
                    team?: {
                        employees: string[];
                        models?: {
                            [key: string]: string;
                        };
                    };
                };
            };
        };
        responses: {
            /** @description Create a task and start its run */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        task: {
                            tenantId: string;
                            id: string;
                            title: string;
                            prompt: string;
                            /** @enum {string} */
                            status: "queued" | "planning" | "awaiting_approval" | "running" | "succeeded" | "failed" | "cancelled";
                            /** @enum {string} */
                            preference: "quality" | "balanced" | "cheap";
                            requireApproval: boolean;
                            budgetMicroUsd?: number;
                            stepCount: number;
                            stepsDone: number;
                            totals: {
                                inputTokens: number;
                                outputTokens: number;
                                cachedInputTokens: number;
                                costMicroUsd: number;
                            };
                            createdAt: string;
                            updatedAt: string;
                            finishedAt?: string;
                            failure?: {
                                code: string;
                                message: string;
                            };
                            summary?: string;
                            executionId?: string;
                            notes?: {
                                at: string;
                                text: string;
                            }[];
                            team?: {
                                employees: string[];
                                models?: {
                                    [key: string]: string;
                                };
                            };
                        };
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    GetTask: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A task with its plan and step results */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        task: {
                            tenantId: string;
                            id: string;
                            title: string;
                            prompt: string;
                            /** @enum {string} */
                            status: "queued" | "planning" | "awaiting_approval" | "running" | "succeeded" | "failed" | "cancelled";
                            /** @enum {string} */
                            preference: "quality" | "balanced" | "cheap";
                            requireApproval: boolean;
                            budgetMicroUsd?: number;
                            stepCount: number;
                            stepsDone: number;
                            totals: {
                                inputTokens: number;
                                outputTokens: number;
                                cachedInputTokens: number;
                                costMicroUsd: number;
                            };
                            createdAt: string;
                            updatedAt: string;
                            finishedAt?: string;
                            failure?: {
                                code: string;
                                message: string;
                            };
                            summary?: string;
                            executionId?: string;
                            notes?: {
                                at: string;
                                text: string;
                            }[];
                            team?: {
                                employees: string[];
                                models?: {
                                    [key: string]: string;
                                };
                            };
                        };
                        plan: {
                            /** @default  */
                            summary: string;
                            steps: {
                                /** @description Unique step id: lowercase letters, digits and dashes, e.g. "write-parser". */
                                id: string;
                                /** @description The id of the employee who does the step. */
                                employee: string;
                                /** @description A short title. */
                                title: string;
                                /** @description What to do, concretely: files, runtime, behaviour, edge cases. */
                                instructions: string;
                                /**
                                 * @description Ids of the steps whose results this step needs (camelCase key).
                                 * @default []
                                 */
                                dependsOn: string[];
                                /**
                                 * @description Checkable criteria: what a reviewer runs or reads to accept the step.
                                 * @default
                                 */
                                acceptance: string;
                            }[];
                            revision?: number;
                        } | null;
                        steps: {
                            stepId: string;
                            /** @enum {string} */
                            status: "pending" | "running" | "succeeded" | "failed" | "skipped";
                            /** @default  */
                            output: string;
                            round?: number;
                            findings?: string;
                            reviewedRound?: number;
                            failingTests?: string[];
                            testOutput?: string;
                            startedAt?: string;
                            finishedAt?: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    ListEvents: {
        parameters: {
            query?: {
                after?: string;
                limit?: number;
                deltas?: "true" | "false";
                deltasAfter?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A task's event log after a cursor, optionally with streamed text */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        events: ({
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "task_created";
                            prompt: string;
                            title: string;
                            team?: {
                                employees: string[];
                                models?: {
                                    [key: string]: string;
                                };
                            };
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "status_changed";
                            /** @enum {string} */
                            from: "queued" | "planning" | "awaiting_approval" | "running" | "succeeded" | "failed" | "cancelled";
                            /** @enum {string} */
                            to: "queued" | "planning" | "awaiting_approval" | "running" | "succeeded" | "failed" | "cancelled";
                            reason?: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "plan_made";
                            plan: {
                                /** @default  */
                                summary: string;
                                steps: {
                                    /** @description Unique step id: lowercase letters, digits and dashes, e.g. "write-parser". */
                                    id: string;
                                    /** @description The id of the employee who does the step. */
                                    employee: string;
                                    /** @description A short title. */
                                    title: string;
                                    /** @description What to do, concretely: files, runtime, behaviour, edge cases. */
                                    instructions: string;
                                    /**
                                     * @description Ids of the steps whose results this step needs (camelCase key).
                                     * @default []
                                     */
                                    dependsOn: string[];
                                    /**
                                     * @description Checkable criteria: what a reviewer runs or reads to accept the step.
                                     * @default
                                     */
                                    acceptance: string;
                                }[];
                                revision?: number;
                            };
                            provider: string;
                            model: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "step_started";
                            stepId: string;
                            employee: string;
                            title: string;
                            index: number;
                            total: number;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "message";
                            stepId?: string;
                            employee: string;
                            text: string;
                            provider: string;
                            model: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "usage";
                            stepId?: string;
                            employee: string;
                            provider: string;
                            model: string;
                            inputTokens: number;
                            outputTokens: number;
                            cachedInputTokens: number;
                            costMicroUsd: number;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "budget_overrun";
                            stepId?: string;
                            employee: string;
                            provider: string;
                            model: string;
                            reservedMicroUsd: number;
                            costMicroUsd: number;
                            overrunMicroUsd: number;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "step_finished";
                            stepId: string;
                            employee: string;
                            /** @enum {string} */
                            outcome: "succeeded" | "failed";
                            summary: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "task_finished";
                            /** @enum {string} */
                            status: "queued" | "planning" | "awaiting_approval" | "running" | "succeeded" | "failed" | "cancelled";
                            summary?: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "plan_invalid";
                            attempt: number;
                            problems: string[];
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "plan_repaired";
                            repairs: string[];
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "replanned";
                            failedStepId?: string;
                            failure: {
                                code: string;
                                message: string;
                            };
                            reason: string;
                            steps: {
                                /** @description Unique step id: lowercase letters, digits and dashes, e.g. "write-parser". */
                                id: string;
                                /** @description The id of the employee who does the step. */
                                employee: string;
                                /** @description A short title. */
                                title: string;
                                /** @description What to do, concretely: files, runtime, behaviour, edge cases. */
                                instructions: string;
                                /**
                                 * @description Ids of the steps whose results this step needs (camelCase key).
                                 * @default []
                                 */
                                dependsOn: string[];
                                /**
                                 * @description Checkable criteria: what a reviewer runs or reads to accept the step.
                                 * @default
                                 */
                                acceptance: string;
                            }[];
                            provider: string;
                            model: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "replan_declined";
                            failedStepId?: string;
                            failure: {
                                code: string;
                                message: string;
                            };
                            reason: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "approval_requested";
                            estimateMicroUsd: number;
                            reason: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "approval_decided";
                            /** @enum {string} */
                            decision: "approved" | "rejected";
                            edited: boolean;
                            note?: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "tool_call";
                            stepId?: string;
                            employee: string;
                            callId: string;
                            tool: string;
                            arguments: {
                                [key: string]: unknown;
                            };
                            invalid?: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "tool_result";
                            stepId?: string;
                            employee: string;
                            callId: string;
                            tool: string;
                            ok: boolean;
                            output: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "tool_refused";
                            stepId?: string;
                            employee: string;
                            tool: string;
                            reason: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "sandbox_run";
                            stepId?: string;
                            employee: string;
                            command: string;
                            isolation: string;
                            exitCode: number;
                            durationMs: number;
                            limit?: string;
                            tests?: {
                                passed: number;
                                failed: number;
                                errors: number;
                            };
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "verdict";
                            stepId: string;
                            employee: string;
                            round: number;
                            passed: boolean;
                            findings: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "handoff";
                            stepId: string;
                            from: string;
                            to: string;
                            note: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "note_added";
                            text: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "context_condensed";
                            stepId?: string;
                            employee: string;
                            messages: number;
                            tokensBefore: number;
                            tokensAfter: number;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "employee_stuck";
                            stepId?: string;
                            employee: string;
                            reason: string;
                        } | {
                            tenantId: string;
                            taskId: string;
                            id: string;
                            seq?: number;
                            at: string;
                            payloads?: {
                                field: string;
                                bytes: number;
                                file?: string;
                            }[];
                            /** @constant */
                            type: "error";
                            code: string;
                            message: string;
                            stepId?: string;
                        })[];
                        next?: string;
                        deltas?: {
                            id: string;
                            at: string;
                            taskId: string;
                            stepId?: string;
                            employee: string;
                            text: string;
                        }[];
                        deltaCursor?: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    ListFiles: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every file of the task's workspace with its size */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        files: {
                            path: string;
                            bytes: number;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    GetFile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description A workspace path; it may contain slashes */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One file of the task's workspace */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    GetArchive: {
        parameters: {
            query?: {
                format?: "zip" | "tar";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The whole workspace as one zip or tar download */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    CancelTask: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancel a task that has not ended */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        task: {
                            tenantId: string;
                            id: string;
                            title: string;
                            prompt: string;
                            /** @enum {string} */
                            status: "queued" | "planning" | "awaiting_approval" | "running" | "succeeded" | "failed" | "cancelled";
                            /** @enum {string} */
                            preference: "quality" | "balanced" | "cheap";
                            requireApproval: boolean;
                            budgetMicroUsd?: number;
                            stepCount: number;
                            stepsDone: number;
                            totals: {
                                inputTokens: number;
                                outputTokens: number;
                                cachedInputTokens: number;
                                costMicroUsd: number;
                            };
                            createdAt: string;
                            updatedAt: string;
                            finishedAt?: string;
                            failure?: {
                                code: string;
                                message: string;
                            };
                            summary?: string;
                            executionId?: string;
                            notes?: {
                                at: string;
                                text: string;
                            }[];
                            team?: {
                                employees: string[];
                                models?: {
                                    [key: string]: string;
                                };
                            };
                        };
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    ApproveTask: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    plan?: unknown;
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Approve the waiting plan, optionally edited */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        task: {
                            tenantId: string;
                            id: string;
                            title: string;
                            prompt: string;
                            /** @enum {string} */
                            status: "queued" | "planning" | "awaiting_approval" | "running" | "succeeded" | "failed" | "cancelled";
                            /** @enum {string} */
                            preference: "quality" | "balanced" | "cheap";
                            requireApproval: boolean;
                            budgetMicroUsd?: number;
                            stepCount: number;
                            stepsDone: number;
                            totals: {
                                inputTokens: number;
                                outputTokens: number;
                                cachedInputTokens: number;
                                costMicroUsd: number;
                            };
                            createdAt: string;
                            updatedAt: string;
                            finishedAt?: string;
                            failure?: {
                                code: string;
                                message: string;
                            };
                            summary?: string;
                            executionId?: string;
                            notes?: {
                                at: string;
                                text: string;
                            }[];
                            team?: {
                                employees: string[];
                                models?: {
                                    [key: string]: string;
                                };
                            };
                        };
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    RejectTask: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Reject the waiting plan; the task is cancelled */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        task: {
                            tenantId: string;
                            id: string;
                            title: string;
                            prompt: string;
                            /** @enum {string} */
                            status: "queued" | "planning" | "awaiting_approval" | "running" | "succeeded" | "failed" | "cancelled";
                            /** @enum {string} */
                            preference: "quality" | "balanced" | "cheap";
                            requireApproval: boolean;
                            budgetMicroUsd?: number;
                            stepCount: number;
                            stepsDone: number;
                            totals: {
                                inputTokens: number;
                                outputTokens: number;
                                cachedInputTokens: number;
                                costMicroUsd: number;
                            };
                            createdAt: string;
                            updatedAt: string;
                            finishedAt?: string;
                            failure?: {
                                code: string;
                                message: string;
                            };
                            summary?: string;
                            executionId?: string;
                            notes?: {
                                at: string;
                                text: string;
                            }[];
                            team?: {
                                employees: string[];
                                models?: {
                                    [key: string]: string;
                                };
                            };
                        };
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    ResumeTask: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    budgetUsd?: number;
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Rerun a failed task from its last completed step */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        task: {
                            tenantId: string;
                            id: string;
                            title: string;
                            prompt: string;
                            /** @enum {string} */
                            status: "queued" | "planning" | "awaiting_approval" | "running" | "succeeded" | "failed" | "cancelled";
                            /** @enum {string} */
                            preference: "quality" | "balanced" | "cheap";
                            requireApproval: boolean;
                            budgetMicroUsd?: number;
                            stepCount: number;
                            stepsDone: number;
                            totals: {
                                inputTokens: number;
                                outputTokens: number;
                                cachedInputTokens: number;
                                costMicroUsd: number;
                            };
                            createdAt: string;
                            updatedAt: string;
                            finishedAt?: string;
                            failure?: {
                                code: string;
                                message: string;
                            };
                            summary?: string;
                            executionId?: string;
                            notes?: {
                                at: string;
                                text: string;
                            }[];
                            team?: {
                                employees: string[];
                                models?: {
                                    [key: string]: string;
                                };
                            };
                        };
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    ListSamples: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The built-in sample tasks the demo model plays */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        samples: {
                            id: string;
                            prompt: string;
                            runtime: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    ListEmployees: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tenant's team: built-in employees and its own */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        employees: {
                            id: string;
                            name: string;
                            rolePrompt: string;
                            allowedModels: string[];
                            defaultModel: string;
                            /** @default [] */
                            fallbacks: string[];
                            /** @default [] */
                            tools: string[];
                            /** @default 8 */
                            maxIterations: number;
                            /** @default 4096 */
                            maxTokensPerStep: number;
                            /** @default 0.2 */
                            temperature: number;
                            /** @default 1 */
                            budgetShare: number;
                            /** @default [] */
                            mcpServers: {
                                name: string;
                                url: string;
                            }[];
                            /** @enum {string} */
                            source: "built-in" | "tenant" | "tenant-override";
                        }[];
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    PutEmployee: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    rolePrompt: string;
                    allowedModels: string[];
                    defaultModel: string;
                    /** @default [] */
                    fallbacks?: string[];
                    /** @default [] */
                    tools?: string[];
                    /** @default 8 */
                    maxIterations?: number;
                    /** @default 4096 */
                    maxTokensPerStep?: number;
                    /** @default 0.2 */
                    temperature?: number;
                    /** @default 1 */
                    budgetShare?: number;
                    /** @default [] */
                    mcpServers?: {
                        name: string;
                        url: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description Define or override one of the tenant's employees */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        employee: {
                            id: string;
                            name: string;
                            rolePrompt: string;
                            allowedModels: string[];
                            defaultModel: string;
                            /** @default [] */
                            fallbacks: string[];
                            /** @default [] */
                            tools: string[];
                            /** @default 8 */
                            maxIterations: number;
                            /** @default 4096 */
                            maxTokensPerStep: number;
                            /** @default 0.2 */
                            temperature: number;
                            /** @default 1 */
                            budgetShare: number;
                            /** @default [] */
                            mcpServers: {
                                name: string;
                                url: string;
                            }[];
                        };
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    ListModels: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The model catalog as this tenant sees it, and which providers are live */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    PutModel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    provider: string;
                    providerModelId: string;
                    contextWindow: number;
                    maxOutputTokens: number;
                    prices: {
                        input: string;
                        output: string;
                        cachedInput: string;
                        cacheWrite?: string;
                    };
                    /**
                     * @default {
                     *       "tools": true,
                     *       "json": true,
                     *       "vision": false
                     *     }
                     */
                    capabilities?: {
                        tools: boolean;
                        json: boolean;
                        vision: boolean;
                        structuredOutput?: boolean;
                        toolChoice?: boolean;
                        promptCache?: boolean;
                    };
                    /** @default 3 */
                    quality?: number;
                    negotiated?: {
                        reference: string;
                    };
                };
            };
        };
        responses: {
            /** @description Add a model to the tenant's catalog, or override a shipped one */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    DeleteModel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Remove the tenant's own model or price override */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    GetSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tenant's spend cap, approval threshold and cache opt-in */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        settings: {
                            monthlyBudgetUsd: number | null;
                            approvalThresholdUsd: number | null;
                            heliconeCache: boolean;
                        };
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    PutSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    monthlyBudgetUsd?: number | null;
                    approvalThresholdUsd?: number | null;
                    heliconeCache?: boolean;
                };
            };
        };
        responses: {
            /** @description Change some of the settings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        settings: {
                            monthlyBudgetUsd: number | null;
                            approvalThresholdUsd: number | null;
                            heliconeCache: boolean;
                        };
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    GetConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Where the API and the live socket are, and whether auth is on */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        apiUrl: string;
                        liveUrl: string;
                        /** @enum {string} */
                        auth: "none" | "required";
                        clerkPublishableKey?: string;
                        demo: boolean;
                    };
                };
            };
            400: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    GetUsage: {
        parameters: {
            query?: {
                month?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The month's model cost by day, employee and model */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    ListKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tenant's keys (revoked ones too), never their secrets */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys: {
                            tenantId: string;
                            id: string;
                            name: string;
                            prefix: string;
                            scopes: ("tasks:read" | "tasks:write" | "admin")[];
                            createdAt: string;
                            lastUsedAt?: string;
                            revokedAt?: string;
                            /** @enum {string} */
                            environment: "live" | "test";
                            createdBy: string;
                            expiresAt?: string;
                        }[];
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    CreateKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    scopes: ("tasks:read" | "tasks:write" | "admin")[];
                    /** Format: date-time */
                    expiresAt?: string;
                };
            };
        };
        responses: {
            /** @description A new API key, whose whole text is in this answer only */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: string;
                        apiKey: {
                            tenantId: string;
                            id: string;
                            name: string;
                            prefix: string;
                            scopes: ("tasks:read" | "tasks:write" | "admin")[];
                            createdAt: string;
                            lastUsedAt?: string;
                            revokedAt?: string;
                            /** @enum {string} */
                            environment: "live" | "test";
                            createdBy: string;
                            expiresAt?: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    RevokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoke one of the tenant's keys */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        apiKey: {
                            tenantId: string;
                            id: string;
                            name: string;
                            prefix: string;
                            scopes: ("tasks:read" | "tasks:write" | "admin")[];
                            createdAt: string;
                            lastUsedAt?: string;
                            revokedAt?: string;
                            /** @enum {string} */
                            environment: "live" | "test";
                            createdBy: string;
                            expiresAt?: string;
                        };
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    ListAudit: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tenant's audit records, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    ListDocuments: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tenant's documents with their ingestion status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        documents: {
                            id: string;
                            name: string;
                            kind: string;
                            bytes: number;
                            status: string;
                            reason?: string;
                            chunks?: number;
                            embedded?: number;
                            createdAt: string;
                            updatedAt: string;
                        }[];
                        embedder: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    AddDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    content: string;
                };
            };
        };
        responses: {
            /** @description Store a document and queue its ingestion into memory */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        document: {
                            id: string;
                            name: string;
                            kind: string;
                            bytes: number;
                            status: string;
                            reason?: string;
                            chunks?: number;
                            embedded?: number;
                            createdAt: string;
                            updatedAt: string;
                        };
                        embedder: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    DeleteDocument: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Remove a document, its chunks and vectors */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    ListMemories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What the team remembers of the tenant's finished tasks */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    DeleteMemories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Forget every memory of the tenant */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: number;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    DeleteMemory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Forget one memory */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string;
                    };
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            404: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    GetBilling: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The plan, its entitlements and the subscription */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    GetBillingUsage: {
        parameters: {
            query?: {
                month?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The month's spend as recorded and reported to Stripe */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    ListInvoices: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tenant's invoices, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    CreateCheckout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    plan: string;
                };
            };
        };
        responses: {
            /** @description A Stripe Checkout URL for a paid plan */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    CreatePortal: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A Stripe Customer Portal URL */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    PutOverageCap: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    overageCapUsd: number;
                };
            };
        };
        responses: {
            /** @description Allow spend beyond the plan's monthly credit */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    GetOpenApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description This document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            401: components["responses"]["Error"];
            403: components["responses"]["Error"];
            429: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
    StripeWebhook: {
        parameters: {
            query?: never;
            header: {
                "Stripe-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Stripe's events, verified by their signature (no API key) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["Error"];
            500: components["responses"]["Error"];
        };
    };
}
