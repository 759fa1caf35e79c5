"""The `sanshen` command line (docs/architecture.md §7).

Each area registers its commands from a module in ``sanshen/commands/`` so the
root stays small. Exit codes: 0 done; 1 refused or blocking findings; 2 bad input.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

import sanshen.commands
from sanshen.cli_usage import ChineseUsageGroup

app = typer.Typer(
    name="sanshen",
    cls=ChineseUsageGroup,
    help="sanshen：政府网站与政务新媒体“三审三校”工作流与签批引擎。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    for mod in sorted(pkgutil.iter_modules(sanshen.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"sanshen.commands.{mod.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_commands()


def main() -> None:
    app()


if __name__ == "__main__":  # `python -m sanshen.cli`: how `sanshen serve` starts its dispatcher child
    main()
