"""The `samskab` command: a thin face over Django's management commands.

`samskab analyse` runs the analysis engine directly: it needs no database and imports no Django.
Everything else is a management command (`samskab demo`, `samskab export responses …`).
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "analyse":
        from samskab.analysis.cli import main as analyse_main

        return analyse_main(argv[1:])
    if argv and not argv[0].startswith("-"):
        # The contract's names are hyphenated (ingest-mail); Django's modules cannot be.
        argv[0] = argv[0].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samskab.settings")
    from django.core.management import execute_from_command_line, get_commands

    if argv and not argv[0].startswith("-") and argv[0] not in ("help", "version"):
        import django

        django.setup()
        if argv[0] not in get_commands():
            # A usage error (the contract: exit 2, one line), not Django's exit 1.
            sys.stderr.write(f"samskab: unknown command {argv[0]!r}; see `samskab help`\n")
            return 2

    try:
        execute_from_command_line(["samskab", *argv])
    except BrokenPipeError:
        # The reader went away (`samskab export … | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return 0


if __name__ == "__main__":
    sys.exit(main())
