/** A nominal type: a `T` that only the module owning `B` can produce (by validating and casting). */
export type Brand<T, B extends string> = T & { readonly __brand: B };
