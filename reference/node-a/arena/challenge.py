"""`arena challenge build|push <slug>`: small challenge images, made and pushed without a Docker daemon.

An image is two gzipped tar layers, a config and a v2 manifest, written under BUILD_ROOT/<slug>:
  1. a Python runtime taken from this node's own root filesystem (the local base image): the
     interpreter, the shared libraries it links and the few stdlib modules challenge_server.py needs;
  2. the challenge: /challenge/serve.py.
Layers are deterministic (sorted entries, owner root, mtime 0, gzip mtime 0): a rebuild gives the same
digests, and the runtime layer is one blob shared by every challenge.
"""
import gzip
import hashlib
import io
import json
import os
import platform
import re
import subprocess
import sys
import tarfile

from .registry import MANIFEST_V2, Registry, RegistryError

BUILD_ROOT = os.environ.get("ARENA_BUILD_ROOT", "/var/lib/arena/challenges")
SERVER = os.path.join(os.path.dirname(__file__), "challenge_server.py")
RUNTIME_IMPORTS = ("os", "socket")
TAG = "latest"
EPOCH = "1970-01-01T00:00:00Z"

# The catalogue: each challenge's TCP port inside its instance.
CATALOGUE = {"web-warmup": {"port": 8000}, "pwn-echo": {"port": 1337}, "crypto-intro": {"port": 4000}}

LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
CONFIG = "application/vnd.docker.container.image.v1+json"


def repository_of(slug: str):
    return f"challenges/{slug}", TAG


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def _runtime_files() -> list:
    """The interpreter, its shared libraries and the stdlib files RUNTIME_IMPORTS load (asked of Python itself)."""
    python = os.path.realpath(sys.executable)
    probe = "import sys; print('\\n'.join(m.__file__ for m in list(sys.modules.values()) if getattr(m, '__file__', None)))"
    modules = subprocess.run([python, "-S", "-I", "-c", f"import {', '.join(RUNTIME_IMPORTS)}; {probe}"], check=True, capture_output=True, text=True).stdout.split()
    libraries = re.findall(r"(/\S+) \(0x", subprocess.run(["ldd", python], check=True, capture_output=True, text=True).stdout)
    stdlib = os.path.dirname(os.__file__)
    # os.py is frozen into the interpreter but still the landmark that tells Python where its stdlib is.
    return sorted({python, os.path.join(stdlib, "os.py"), *modules, *libraries})


class _Layer:
    """A deterministic tar: every entry root-owned with mtime 0, parents before children."""

    def __init__(self):
        self._buffer = io.BytesIO()
        self._tar = tarfile.open(fileobj=self._buffer, mode="w", format=tarfile.PAX_FORMAT)
        self._seen = set()

    def _entry(self, name: str, kind, mode: int, **extra) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name.lstrip("/"))
        info.type, info.mode, info.mtime, info.uid, info.gid, info.uname, info.gname = kind, mode, 0, 0, 0, "root", "root"
        for key, value in extra.items():
            setattr(info, key, value)
        return info

    def directory(self, path: str) -> None:
        parent = os.path.dirname(path)
        if parent not in ("/", "") and parent not in self._seen:
            self.directory(parent)
        if path not in self._seen:
            self._seen.add(path)
            self._tar.addfile(self._entry(path, tarfile.DIRTYPE, 0o755))

    def file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        self.directory(os.path.dirname(path))
        self._tar.addfile(self._entry(path, tarfile.REGTYPE, mode, size=len(data)), io.BytesIO(data))

    def symlink(self, path: str, target: str) -> None:
        self.directory(os.path.dirname(path))
        self._tar.addfile(self._entry(path, tarfile.SYMTYPE, 0o777, linkname=target))

    def close(self) -> bytes:
        self._tar.close()
        return self._buffer.getvalue()


def _runtime_layer() -> bytes:
    layer = _Layer()
    # Merged /usr as on the base: the interpreter's loader path (/lib64/...) and library names resolve.
    for link in ("bin", "lib", "lib64"):
        if os.path.islink(f"/{link}"):
            layer.symlink(f"/{link}", os.readlink(f"/{link}"))
    links = {}
    for path in _runtime_files():
        real = os.path.realpath(path)
        with open(real, "rb") as handle:
            layer.file(real, handle.read(), os.stat(real).st_mode & 0o7777)
        alias = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        if alias != real:
            links[alias] = os.path.basename(real) if os.path.dirname(alias) == os.path.dirname(real) else real
    for alias, target in sorted(links.items()):
        layer.symlink(alias, target)
    # Where Python looks for extension modules (this runtime needs none): its absence is a warning at each start.
    layer.directory(os.path.join(os.path.dirname(os.__file__), "lib-dynload"))
    return layer.close()


def _challenge_layer() -> bytes:
    layer = _Layer()
    with open(SERVER, "rb") as handle:
        layer.file("/challenge/serve.py", handle.read())
    return layer.close()


def _arch() -> str:
    machine = platform.machine()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


def build_result(slug: str) -> dict:
    return {"ok": False, "slug": slug, "reference": None, "manifest": None, "layers": [], "bytes": 0, "error": None}


def push_result(slug: str) -> dict:
    return {"ok": False, "slug": slug, "reference": None, "manifest": None, "uploaded": [], "mounted": [], "present": [], "error": None}


def build(slug: str) -> dict:
    result = build_result(slug)
    if slug not in CATALOGUE:
        return {**result, "error": f"unknown challenge {slug!r} (catalogue: {', '.join(sorted(CATALOGUE))})"}
    repository, tag = repository_of(slug)
    port = CATALOGUE[slug]["port"]
    raw = [_runtime_layer(), _challenge_layer()]
    blobs = [gzip.compress(tar, compresslevel=6, mtime=0) for tar in raw]
    image_config = _canonical({
        "architecture": _arch(), "os": "linux", "created": EPOCH,
        "config": {
            "Cmd": [os.path.realpath(sys.executable), "-S", "-I", "/challenge/serve.py"],
            "Env": [f"ARENA_CHALLENGE={slug}", f"ARENA_CHALLENGE_PORT={port}"],
            "ExposedPorts": {f"{port}/tcp": {}}, "Labels": {"org.arena.challenge": slug}, "WorkingDir": "/",
        },
        "rootfs": {"type": "layers", "diff_ids": [_sha256(tar) for tar in raw]},
        "history": [{"created": EPOCH, "created_by": "arena challenge build: python runtime"}, {"created": EPOCH, "created_by": f"arena challenge build: {slug}"}],
    })
    manifest = _canonical({
        "schemaVersion": 2, "mediaType": MANIFEST_V2,
        "config": {"mediaType": CONFIG, "size": len(image_config), "digest": _sha256(image_config)},
        "layers": [{"mediaType": LAYER, "size": len(blob), "digest": _sha256(blob)} for blob in blobs],
    })
    out = os.path.join(BUILD_ROOT, slug)
    os.makedirs(os.path.join(out, "blobs"), exist_ok=True)
    for data in [image_config, *blobs]:
        with open(os.path.join(out, "blobs", _sha256(data).split(":")[1]), "wb") as handle:
            handle.write(data)
    with open(os.path.join(out, "manifest.json"), "wb") as handle:
        handle.write(manifest)
    return {
        **result, "ok": True, "reference": f"{repository}:{tag}", "manifest": _sha256(manifest),
        "layers": [{"digest": _sha256(blob), "size": len(blob)} for blob in blobs], "bytes": sum(map(len, blobs)) + len(image_config),
    }


def push(slug: str, values: dict) -> dict:
    repository, tag = repository_of(slug)
    result = push_result(slug)
    out = os.path.join(BUILD_ROOT, slug)
    try:
        with open(os.path.join(out, "manifest.json"), "rb") as handle:
            manifest = handle.read()
    except FileNotFoundError:
        return {**result, "error": f"challenge {slug!r} is not built: run `arena challenge build {slug}` first"}
    registry = Registry.from_config(values)
    result["reference"] = f"{registry.host}/{repository}:{tag}"
    document = json.loads(manifest)
    siblings = [repository_of(other)[0] for other in sorted(CATALOGUE)]
    try:
        for descriptor in [document["config"], *document["layers"]]:
            digest = descriptor["digest"]
            with open(os.path.join(out, "blobs", digest.split(":")[1]), "rb") as handle:
                result[registry.push_blob(repository, digest, handle.read(), siblings)].append(digest)
        result["manifest"] = registry.put_manifest(repository, tag, manifest)
        result["ok"] = True
    except RegistryError as exc:
        result["error"] = str(exc)
    return result
