import type { StampedeFactory } from './types.js';

/** No protection: every miss fetches from the source (the baseline the others are measured against). */
export const createNone: StampedeFactory = (_options, deps) => ({
  name: 'none',
  load: (request) => deps.fill(request, request.trace),
});
