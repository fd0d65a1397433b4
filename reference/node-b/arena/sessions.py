"""Login sessions. A session is a random token the client holds (cookie or bearer); Redis holds only an
HMAC of it (keyed with ARENA_SESSION_SECRET, so a Redis dump gives no usable token) with the user id and a
TTL. Kept in Redis, sessions outlive the API process: a restart logs nobody out."""
import hashlib
import hmac
import json
import secrets
import threading
import time

import redis

from . import mutant

TTL_SECONDS = 12 * 3600
PREFIX = "arena:session:"
USER_PREFIX = "arena:user-sessions:"


class RedisSessions:
    def __init__(self, cfg: dict, ttl: int = TTL_SECONDS):
        self._cfg, self._client = cfg, None
        self._secret = cfg.get("ARENA_SESSION_SECRET", "").encode()
        self.ttl = ttl

    @property
    def _redis(self):
        # Made on first use: a broken configuration shows as 503 on the requests that need sessions, not a crash at start.
        if self._client is None:
            url = self._cfg.get("ARENA_REDIS_URL")
            if not url:
                raise redis.exceptions.ConnectionError("ARENA_REDIS_URL is not configured")
            self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        return self._client

    def _key(self, token: str) -> str:
        return hmac.new(self._secret, token.encode(), hashlib.sha256).hexdigest()

    def create(self, user_id: int) -> str:
        token = secrets.token_urlsafe(32)
        key = self._key(token)
        pipe = self._redis.pipeline()
        pipe.set(PREFIX + key, json.dumps({"userId": user_id, "createdAt": int(time.time())}), ex=self.ttl)
        # Per-user index: a password reset or an admin's disable ends every session of that user.
        pipe.sadd(USER_PREFIX + str(user_id), key)
        pipe.expire(USER_PREFIX + str(user_id), self.ttl)
        pipe.execute()
        return token

    def user_id(self, token: str):
        raw = self._redis.get(PREFIX + self._key(token))
        return json.loads(raw)["userId"] if raw else None

    def drop(self, token: str) -> None:
        key = self._key(token)
        raw = self._redis.get(PREFIX + key)
        self._redis.delete(PREFIX + key)
        if raw:
            self._redis.srem(USER_PREFIX + str(json.loads(raw)["userId"]), key)

    def drop_user(self, user_id: int) -> int:
        keys = [k.decode() for k in self._redis.smembers(USER_PREFIX + str(user_id))]
        if keys:
            self._redis.delete(*[PREFIX + k for k in keys])
        self._redis.delete(USER_PREFIX + str(user_id))
        return len(keys)


class MemorySessions:
    """The defect `session-lost-on-restart`: sessions in this process's memory, gone when it restarts."""

    def __init__(self, ttl: int = TTL_SECONDS):
        self.ttl = ttl
        self._by_token, self._lock = {}, threading.Lock()

    def create(self, user_id: int) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._by_token[token] = (user_id, time.time() + self.ttl)
        return token

    def user_id(self, token: str):
        with self._lock:
            entry = self._by_token.get(token)
        return entry[0] if entry and entry[1] > time.time() else None

    def drop(self, token: str) -> None:
        with self._lock:
            self._by_token.pop(token, None)

    def drop_user(self, user_id: int) -> int:
        with self._lock:
            tokens = [t for t, (uid, _) in self._by_token.items() if uid == user_id]
            for token in tokens:
                del self._by_token[token]
        return len(tokens)


def store(cfg: dict):
    return MemorySessions() if mutant.on("session-lost-on-restart") else RedisSessions(cfg)
