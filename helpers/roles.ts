// Node roles fleetgate knows; one Vitest project per role (see vitest.workspace.ts).
export const ROLES = ['registry', 'control-plane', 'vpn'] as const;
export type Role = (typeof ROLES)[number];
