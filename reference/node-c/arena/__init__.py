"""arena node C (vpn): WireGuard peers, team routes and forwarding rules reconciled from B's state."""
