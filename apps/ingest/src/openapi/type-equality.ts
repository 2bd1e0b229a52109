/**
 * Compile-time proof that two types are the same, used to tie a response
 * schema of the OpenAPI document to the type a route's view function builds:
 * when either side changes alone, `pnpm build` fails.
 *
 *   export type TenantViewMatches = Expect<Same<TenantView, z.output<typeof tenantResponse>>>;
 */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Accepts only `true`: `Expect<Same<A, B>>` is a type error unless A and B are the same. */
export type Expect<T extends true> = T;
