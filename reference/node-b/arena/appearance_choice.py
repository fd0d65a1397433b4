"""Each user's appearance preset, kept in the database (table user_appearance, migration 005), and which
preset a request is shown in: a signed-in user's own choice, else the default; on public pages a
`?appearance=` preview wins. Changes are audited (`appearance.changed`)."""
from . import appearance, audit, mutant


def of(cur, user_id: int) -> dict:
    """{preset, chosen}: the user's preset, the default when none was chosen (or the chosen one was retired)."""
    cur.execute("select preset from user_appearance where user_id = %s", (user_id,))
    row = cur.fetchone()
    if row and appearance.known(row[0]):
        return {"preset": row[0], "chosen": True}
    return {"preset": appearance.DEFAULT, "chosen": False}


def choose(cur, user_id: int, preset: str, actor: str) -> dict:
    """{appearance, previous}: store the user's preset (400 for an unknown one, naming the valid ones)."""
    appearance.require(preset)
    previous = of(cur, user_id)["preset"]
    # The defect `appearance-preset-not-saved`: the answer says it was stored, nothing was.
    if not mutant.on("appearance-preset-not-saved"):
        cur.execute(
            "insert into user_appearance (user_id, preset) values (%s, %s)"
            " on conflict (user_id) do update set preset = excluded.preset, updated_at = now()",
            (user_id, preset),
        )
    audit.record(cur, "appearance.changed", actor, user_id, previous=previous, preset=preset)
    return {"appearance": {"preset": preset, "chosen": True}, "previous": previous}


def for_page(cur, user, query: dict, public: bool) -> str:
    """The preset a page renders with."""
    preview = query.get("appearance")
    if public and appearance.known(preview):
        return preview
    return of(cur, user["id"])["preset"] if user else appearance.DEFAULT
