"""YAML from files anyone may have written: no aliases, bounded nesting, dates as text.

PyYAML's SafeLoader constructs no objects, but it still expands aliases: nine levels of
`&a [*a, *a, …]` in 1.3 KB are 387 million list items, and string aliases turned 136 KB
into 500 MB (issue 12). Knowledge files and front matter have no use for them, so an
alias is a syntax error here, reported with its line. Nesting deeper than MAX_DEPTH is
refused too (the composer recurses: a few thousand `[` raised RecursionError), and
dates stay text so that a bad date is reported with its line.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError

MAX_DEPTH = 32  # an article needs 4 levels (mapping, body, section, paragraphs)


class Refused(ComposerError):
    """YAML that is valid but not accepted here; `fix` says what to write instead."""

    def __init__(self, problem: str, fix: str, mark: Any) -> None:
        super().__init__(None, None, problem, mark)
        self.fix = fix


class Loader(yaml.SafeLoader):
    """SafeLoader without aliases, with bounded nesting and without timestamps."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise Refused("an alias (*name), which knowledge files may not use",
                          "write the text out instead of anchors (&name) and aliases",
                          self._mark())
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise Refused(f"values nested more than {MAX_DEPTH} levels deep",
                              "write the article flat, as the README shows", self._mark())
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _mark(self) -> Any:
        return self.peek_event().start_mark  # type: ignore[no-untyped-call]


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse(text: str) -> Any:
    """The data of one YAML document; raises yaml.YAMLError, or ValueError for a number
    too long to convert (more than 4,300 digits)."""
    return yaml.load(text, Loader=Loader)  # a SafeLoader subclass
