"""The env files a deployment writes (KEY=value lines; blank lines and # comments ignored)."""


def read(path: str) -> dict:
    """The file's values; a missing file has none (what is missing is for `env validate` to say)."""
    values = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for raw in handle:
                line = raw.strip()
                if line and not line.startswith("#") and "=" in line:
                    key, value = line.split("=", 1)
                    values[key.strip()] = value.strip()
    except FileNotFoundError:
        pass
    return values
