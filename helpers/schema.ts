// `fleetgate/schema`: the schema kit for an operator's `vars.schema.ts`. It loads without Vitest, so
// the gate can check a profile's vars before anything runs.
export { z } from 'zod';
