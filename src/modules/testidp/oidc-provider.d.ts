/**
 * The part of oidc-provider 8 (which ships no types) that the test identity provider uses.
 * Kept deliberately small; see https://github.com/panva/node-oidc-provider/tree/v8.x/docs.
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  /** The Koa context oidc-provider hands to configuration helpers. */
  export interface KoaContext {
    req: IncomingMessage;
    res: ServerResponse;
    status: number;
    type: string;
    body: unknown;
    host: string;
    /** per-request state shared by middleware */
    state: Record<string, unknown>;
    /** oidc-provider's per-request state (client, params, session, entities …) */
    oidc: any;
  }

  export interface InteractionDetails {
    uid: string;
    returnTo: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string; uid: string } | undefined;
    lastSubmission?: Record<string, unknown> | undefined;
  }

  export interface InteractionResults {
    login?: { accountId: string; acr?: string; amr?: string[]; remember?: boolean; ts?: number };
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
  }

  export interface Grant {
    readonly jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    save(): Promise<string>;
  }

  export type Configuration = Record<string, unknown>;

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    proxy: boolean;
    readonly Grant: { new (properties: { accountId: string; clientId: string }): Grant; find(id: string): Promise<Grant | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: InteractionResults, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
    on(event: string, listener: (...args: any[]) => void): this;
    /** Koa middleware around all of oidc-provider's own */
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
  }

  export const errors: Record<string, new (...args: any[]) => Error>;
  export const interactionPolicy: unknown;
  export default Provider;
}
