// Query keys of the connection (which server answers); the provider runs the query.
export const connectionKeys = {
  all: ['connection'] as const,
  /** `revision` changes whenever the saved settings do (the token stays out of the key). */
  resolve: (revision: number) => [...connectionKeys.all, 'resolve', revision] as const,
};
