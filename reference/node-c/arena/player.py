"""B's player API as a device's owner uses it (register, log in, team, personal principal, the VPN key):
how the simulated clients and the seeded principals come to be on B. Errors name the request and B's answer."""
import json
import urllib.error
import urllib.request


class ApiError(Exception):
    """B refused a request or did not answer; `status` is B's HTTP status (0: no answer)."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class Api:
    def __init__(self, base_url: str, token: str = None):
        if not base_url:
            raise ApiError("no API of node B configured (ARENA_API_URL is empty: this node seeds its own state)")
        self.base_url, self.token = base_url.rstrip("/"), token

    def call(self, method: str, path: str, body: dict = None) -> dict:
        request = urllib.request.Request(f"{self.base_url}{path}", method=method, data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Content-Type": "application/json", "Accept": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                detail = json.loads(exc.read()).get("error") or exc.reason
            except ValueError:
                detail = exc.reason
            raise ApiError(f"{method} {path}: B answered {exc.code}: {detail}", exc.code) from None
        except (OSError, ValueError) as exc:
            raise ApiError(f"{method} {path}: B at {self.base_url} did not answer: {getattr(exc, 'reason', exc)}") from None

    def as_user(self, token: str) -> "Api":
        return Api(self.base_url, token)

    def register(self, email: str, handle: str, password: str) -> dict:
        return self.call("POST", "/api/register", {"email": email, "handle": handle, "password": password})["user"]

    def login(self, email: str, password: str) -> "Api":
        return self.as_user(self.call("POST", "/api/login", {"email": email, "password": password})["session"]["token"])

    def create_team(self, name: str) -> str:
        """The join code (shown once)."""
        return self.call("POST", "/api/teams", {"name": name})["joinCode"]

    def join_team(self, name: str, code: str) -> None:
        self.call("POST", f"/api/teams/{name}/join", {"joinCode": code})

    def leave_team(self, name: str) -> None:
        self.call("POST", f"/api/teams/{name}/leave", {})

    def personal_principal(self) -> dict:
        return self.call("POST", "/api/me/principal", {})["principal"]

    def set_key(self, public_key: str) -> str:
        """The peer address B derives for the user."""
        return self.call("PUT", "/api/me/vpn-key", {"publicKey": public_key})["vpn"]["address"]

    def remove_key(self) -> bool:
        return self.call("DELETE", "/api/me/vpn-key")["removed"]
