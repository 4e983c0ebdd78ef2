"""One line on what a front end serves: how many articles and passages, and which index.

`newsbot serve` logs it at start (after "running as @name (mode): "), `newsbot sources`
prints it after the list, so an operator sees in both where the index is and whether it
was loaded, built anew or appended to.
"""

from __future__ import annotations

from pathlib import Path


def served_line(articles: int, passages: int, index_dir: Path | None, index_state: str) -> str:
    """N article(s), M passage(s); index DIR (loaded | built | appended), or in memory only."""
    where = f"index {index_dir} ({index_state})" if index_dir else "index in memory only"
    return f"{articles} article(s), {passages} passage(s); {where}"
