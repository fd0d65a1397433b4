"""HTTP: the VPN state node C reconciles against. Not for players: a shared bearer token
(ARENA_VPN_STATE_TOKEN, a secret of the deployment) guards it, and a refused read is audited."""
from . import app, audit, metrics, vpn_state
from .web import Refusal, Route


def _peers() -> int:
    with app.transaction() as cur:
        return len(vpn_state.document(cur)["principals"])


# Read at scrape time; node C's own view (handshakes) is `arena vpn status` there.
metrics.REGISTRY.gauge("arena_vpn_peers", "Peers in the VPN state B publishes: users with a key who act as a principal.", _peers)


def state(req):
    with app.transaction() as cur:
        if not app.service_token_ok(req, "ARENA_VPN_STATE_TOKEN"):
            audit.record(cur, "vpn.state.denied", "anonymous", None, client=req.client)
            raise Refusal(401, "a valid bearer token is required")
        return 200, vpn_state.document(cur)


ROUTES = [Route("GET", "/api/vpn/state", state)]
