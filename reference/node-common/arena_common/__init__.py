"""Code every arena node image carries (reference/node-common), importable as `arena_common`."""
