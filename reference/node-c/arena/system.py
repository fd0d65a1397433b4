"""The node's tools (wg, nft, ip), run with errors that say which command failed and why."""
import subprocess


class CommandError(Exception):
    """A tool exited non-zero; the message names the command and its stderr."""


def run(*argv: str, stdin: str = None, netns: str = None) -> str:
    if netns:
        argv = ("ip", "netns", "exec", netns, *argv)
    try:
        done = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CommandError(f"{' '.join(argv[:3])}: {exc}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise CommandError(f"{' '.join(argv[:4])} failed: {detail[-1] if detail else f'exit {done.returncode}'}")
    return done.stdout
