import { z } from 'zod';

/**
 * Shared response shapes (they also document the API in OpenAPI). The contract itself lives in pure-zod modules
 * under src/services/ that the web app imports type-only (one API contract).
 */
export { ErrorBody, SessionView, UserView, WorkspaceView } from '../../services/account-schemas';

export const IdParam = z.object({ id: z.string() });
