import { Router, type RequestHandler } from 'express';
import { ALL_ROUTES, type RouteSpec } from './route-catalogue';

const BY_OPERATION_ID: ReadonlyMap<string, RouteSpec> = new Map(ALL_ROUTES.map((route) => [route.operationId, route]));

/** The catalogue's entry for `operationId`; throws for an operation the catalogue does not have. */
export function documentedRoute(operationId: string): RouteSpec {
  const route = BY_OPERATION_ID.get(operationId);
  if (!route) throw new Error(`no route "${operationId}" in the OpenAPI route catalogue (openapi/route-catalogue.ts)`);
  return route;
}

/** express's form of an OpenAPI path template: `/tenants/{id}` → `/tenants/:id`. */
const expressPath = (template: string): string => template.replace(/\{(\w+)\}/g, ':$1');

/**
 * An express Router whose routes take their method and path from the OpenAPI
 * route catalogue by operationId, so no route is served without its entry in
 * the document, nor at another path than the document gives. Every route of
 * the ingest API is registered through one of these (a test holds the source
 * to it); the two the fast path serves before express name their entries too
 * (event-fast-path.ts).
 */
export class DocumentedRoutes {
  readonly router: Router = Router();
  /** The operations this router serves, in the order they were registered. */
  readonly operationIds: string[] = [];

  /** @param mountPath where app.ts mounts this router: the catalogue's paths are absolute, express's are below the mount. */
  constructor(readonly mountPath: string) {}

  /**
   * Serves `operationId` with `handlers` at the method and path the catalogue
   * gives it. `Params` names the path's parameters for the handlers' types
   * (each is one path segment, so one string); most paths have just `{id}`.
   */
  serve<Params extends string = 'id'>(operationId: string, ...handlers: Array<RequestHandler<Record<Params, string>>>): this {
    const route = documentedRoute(operationId);
    this.router[route.method](expressPath(this.below(route)), ...handlers);
    this.operationIds.push(operationId);
    return this;
  }

  /**
   * Hands the catalogue path of `operationId` and everything under it to
   * `handlers`, for an operation that is a tree of its own (Bull Board, the
   * portal's static files) documented by its entry page.
   */
  mount(operationId: string, ...handlers: RequestHandler[]): this {
    this.router.use(this.below(documentedRoute(operationId)), ...handlers);
    this.operationIds.push(operationId);
    return this;
  }

  /**
   * express's `use` at `path` below this router. Each DocumentedRoutes among
   * `handlers` must be made for the path it lands on, and its operations
   * count as this router's.
   */
  use(path: string, ...handlers: Array<RequestHandler | DocumentedRoutes>): this {
    const landsOn = path === '/' ? this.mountPath : this.mountPath + path;
    const mounted = handlers.map((handler) => {
      if (!(handler instanceof DocumentedRoutes)) return handler;
      if (handler.mountPath !== landsOn) throw new Error(`routes made for ${handler.mountPath || '/'} mounted at ${landsOn || '/'}`);
      this.operationIds.push(...handler.operationIds);
      return handler.router;
    });
    this.router.use(path, ...mounted);
    return this;
  }

  /** The route's path below this router's mount path. */
  private below(route: RouteSpec): string {
    if (route.path === this.mountPath) return '/';
    if (!route.path.startsWith(`${this.mountPath}/`)) {
      throw new Error(`${route.operationId} is documented at ${route.path}, outside ${this.mountPath || '/'} where its router is mounted`);
    }
    return route.path.slice(this.mountPath.length);
  }
}

/**
 * Throws unless `served` names every operation of the catalogue exactly once:
 * with DocumentedRoutes serving only what the catalogue has, the app serves
 * exactly what its OpenAPI document says. createApp calls it.
 */
export function assertServesExactlyTheCatalogue(served: readonly string[]): void {
  const missing = ALL_ROUTES.map((r) => r.operationId).filter((id) => !served.includes(id));
  const twice = served.filter((id, i) => served.indexOf(id) !== i);
  if (missing.length > 0 || twice.length > 0) {
    throw new Error(`the app must serve each documented operation once; not served: [${missing.join(', ')}], served twice: [${twice.join(', ')}]`);
  }
}
