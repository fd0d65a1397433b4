"""A challenge instance: a TCP service that greets each connection with the challenge's banner.

It runs inside the challenge image, which carries only a Python runtime closure (challenge.py), so it
imports nothing beyond RUNTIME_IMPORTS there.
"""
import os
import socket

slug = os.environ.get("ARENA_CHALLENGE", "challenge")
port = int(os.environ.get("ARENA_CHALLENGE_PORT", "1337"))
with socket.create_server(("0.0.0.0", port)) as server:
    print(f"arena challenge {slug} listening on {port}", flush=True)
    while True:
        conn, _ = server.accept()
        with conn:
            conn.sendall(f"arena challenge {slug}\n".encode())
