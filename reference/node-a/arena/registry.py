"""A Docker Distribution (registry v2 HTTP API) client: enough to check a registry and push an image.

No Docker daemon on node A, so images are pushed as what they are on the wire: blobs and a manifest.
TLS is verified against the registry's own CA certificate (ARENA_REGISTRY_CA), never switched off.
"""
import base64
import ssl
import urllib.error
import urllib.parse
import urllib.request

MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"


class RegistryError(Exception):
    """A failure whose message says what failed, for the CLI's `error` field."""


class Registry:
    def __init__(self, url: str, user: str, password: str, ca_file: str, timeout: float = 5.0):
        self.url = url.rstrip("/")
        self.host = urllib.parse.urlsplit(self.url).netloc
        self.user = user
        self._auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self._tls = ssl.create_default_context(cafile=ca_file)
        self._timeout = timeout

    @classmethod
    def from_config(cls, values: dict) -> "Registry":
        return cls(values["ARENA_REGISTRY_URL"], values["ARENA_REGISTRY_USER"], values["ARENA_REGISTRY_PASSWORD"], values["ARENA_REGISTRY_CA"])

    def request(self, method: str, path: str, body: bytes = None, headers: dict = None, auth: bool = True):
        """(status, headers, body) of one request; HTTP errors are answers, not exceptions."""
        url = path if path.startswith("https://") else self.url + path
        req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
        if auth:
            req.add_header("Authorization", self._auth)
        try:
            with urllib.request.urlopen(req, timeout=self._timeout, context=self._tls) as reply:
                return reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as exc:
            # A refused login is the answer to every authenticated call: say so, not "HTTP 401".
            if auth and exc.code == 401:
                raise RegistryError(f"registry {self.host} refused credentials for user {self.user}") from None
            return exc.code, exc.headers, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RegistryError(f"registry {self.host} unreachable: {reason}") from None

    def reachable(self) -> dict:
        """The host answers as a registry (any v2 API answer, authorised or not)."""
        status, headers, _ = self.request("GET", "/v2/", auth=False)
        version = headers.get("Docker-Distribution-API-Version", "")
        if not version.startswith("registry/2"):
            raise RegistryError(f"registry {self.host} answered HTTP {status} without a registry v2 API header")
        return {"ok": True, "detail": f"HTTP {status}, {version}"}

    def authenticate(self) -> dict:
        status, _, _ = self.request("GET", "/v2/")
        if status != 200:
            raise RegistryError(f"registry {self.host} answered HTTP {status} to an authenticated /v2/")
        return {"ok": True, "detail": f"user {self.user} accepted"}

    def manifest_digest(self, repository: str, tag: str):
        """The manifest's digest, or None when the registry has no such image."""
        status, headers, _ = self.request("HEAD", f"/v2/{repository}/manifests/{tag}", headers={"Accept": MANIFEST_V2})
        if status == 404:
            return None
        if status != 200:
            raise RegistryError(f"registry {self.host} answered HTTP {status} for {repository}:{tag}")
        return headers.get("Docker-Content-Digest")

    def has_blob(self, repository: str, digest: str) -> bool:
        status, _, _ = self.request("HEAD", f"/v2/{repository}/blobs/{digest}")
        return status == 200

    def push_blob(self, repository: str, digest: str, data: bytes, siblings: list) -> str:
        """Put one blob in a repository: "present" already, "mounted" from a sibling repository that has
        it (a layer every challenge shares is stored once), else "uploaded" (monolithic)."""
        if self.has_blob(repository, digest):
            return "present"
        for sibling in siblings:
            if sibling != repository and self.has_blob(sibling, digest):
                query = urllib.parse.urlencode({"mount": digest, "from": sibling})
                if self.request("POST", f"/v2/{repository}/blobs/uploads/?{query}")[0] == 201:
                    return "mounted"
        status, headers, _ = self.request("POST", f"/v2/{repository}/blobs/uploads/")
        if status != 202:
            raise RegistryError(f"registry {self.host} refused an upload to {repository}: HTTP {status}")
        location = urllib.parse.urljoin(self.url + "/", headers["Location"])
        separator = "&" if "?" in location else "?"
        status, _, body = self.request(
            "PUT", f"{location}{separator}digest={urllib.parse.quote(digest)}", body=data,
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(len(data))},
        )
        if status != 201:
            raise RegistryError(f"registry {self.host} refused blob {digest} of {repository}: HTTP {status} {body[:200]!r}")
        return "uploaded"

    def put_manifest(self, repository: str, tag: str, manifest: bytes) -> str:
        status, headers, body = self.request("PUT", f"/v2/{repository}/manifests/{tag}", body=manifest, headers={"Content-Type": MANIFEST_V2})
        if status != 201:
            raise RegistryError(f"registry {self.host} refused the manifest of {repository}:{tag}: HTTP {status} {body[:200]!r}")
        return headers.get("Docker-Content-Digest", "")


def check_result(host, user) -> dict:
    """The shape `arena registry check --json` always answers with (nothing checked yet)."""
    return {
        "ok": False, "registry": host, "user": user, "error": None,
        "checks": {name: {"ok": False, "detail": "not checked"} for name in ("host", "credentials", "images")},
        "images": [],
    }


def check(values: dict, slugs: list, repository_of) -> dict:
    """`arena registry check`: host, credentials, then each expected challenge image. Stable shape."""
    registry = Registry.from_config(values)
    result = check_result(registry.host, registry.user)
    try:
        result["checks"]["host"] = registry.reachable()
        result["checks"]["credentials"] = registry.authenticate()
        for slug in slugs:
            repository, tag = repository_of(slug)
            digest = registry.manifest_digest(repository, tag)
            result["images"].append({"slug": slug, "reference": f"{registry.host}/{repository}:{tag}", "present": digest is not None, "digest": digest})
        missing = [image["reference"] for image in result["images"] if not image["present"]]
        if missing:
            raise RegistryError(f"registry {registry.host} lacks challenge image(s): {', '.join(missing)}")
        result["checks"]["images"] = {"ok": True, "detail": f"{len(slugs)} challenge image(s) present"}
        result["ok"] = True
    except RegistryError as exc:
        result["error"] = str(exc)
        failed = next(name for name, c in result["checks"].items() if not c["ok"])
        result["checks"][failed] = {"ok": False, "detail": str(exc)}
    return result
