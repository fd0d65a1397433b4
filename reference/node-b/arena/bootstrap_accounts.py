"""What `arena db bootstrap` does after the migrations for accounts: seed the admin user from the env file
(ARENA_ADMIN_EMAIL, ARENA_ADMIN_PASSWORD; none without a password), and, under `solo-second-principal`,
lose the index that keeps a user to one personal principal."""
from . import accounts, mutant, principals

DEFAULT_ADMIN_EMAIL = "admin@arena.local"


def after_migrations(conn, cfg: dict) -> dict:
    with conn.cursor() as cur:
        admin = None
        if cfg.get("ARENA_ADMIN_PASSWORD"):
            found = accounts.ensure_admin(cur, cfg.get("ARENA_ADMIN_EMAIL") or DEFAULT_ADMIN_EMAIL, cfg["ARENA_ADMIN_PASSWORD"])
            admin = {"email": found["email"], "id": found["id"], "created": found["created"]}
        if mutant.on("solo-second-principal"):
            principals.drop_solo_uniqueness(cur)
    conn.commit()
    return {"admin": admin}
