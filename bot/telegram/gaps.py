"""What the readers asked and the archive lacks: failed questions grouped by their wording.

`cluster` takes the questions that got "nothing found" or a 👎 and groups similar
wordings ("Wie viele Panzer hat Russland?", "wieviele panzer hat russland",
"Wie viele Panzer besitzt Russland?") with rapidfuzz's `token_set_ratio` over the
lower-cased words: each question joins the first group whose leading wording scores at
least `SIMILAR`, else it leads a group of its own. The wordings are taken most frequent
first, so a group is led (and shown) by its commonest wording. `token_set_ratio` scores
a question whose words all occur in another as 100, so a bare "wie viele" joins the
first "wie viele …" group — which is where it belongs, if anywhere. Pure; no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

SIMILAR = 85  # token_set_ratio (0-100) from which two wordings are one question
NOTHING, DISLIKED = "nothing", "disliked"  # why a question is a gap


@dataclass
class Gap:
    """One question the archive could not answer well, in all the wordings it was asked."""

    question: str  # the commonest wording, as it was written
    nothing: int = 0  # times it got "nothing found"
    disliked: int = 0  # times its answer got a 👎
    wordings: Counter[str] = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return self.nothing + self.disliked

    def others(self) -> list[str]:
        """The other wordings, commonest first."""
        return [w for w, _ in self.wordings.most_common() if w != self.question]


def cluster(asked: Iterable[tuple[str, str]], limit: int | None = None) -> list[Gap]:
    """Group (question, why) pairs — why NOTHING or DISLIKED — by similar wording; the
    groups asked most often first (at most `limit`)."""
    by_wording: dict[str, Counter[str]] = {}
    written: dict[str, Counter[str]] = {}
    for question, why in asked:
        key = utils.default_process(" ".join(question.split()))
        if not key:
            continue
        by_wording.setdefault(key, Counter())[why] += 1
        written.setdefault(key, Counter())[" ".join(question.split())] += 1
    gaps: list[Gap] = []
    leaders: list[str] = []
    for key in sorted(by_wording, key=lambda k: (-sum(by_wording[k].values()), k)):
        found = process.extractOne(key, leaders, scorer=fuzz.token_set_ratio,
                                   score_cutoff=SIMILAR)  # fmt: skip
        if found is None:
            leaders.append(key)
            gaps.append(Gap(written[key].most_common(1)[0][0]))
        gap = gaps[found[2]] if found is not None else gaps[-1]
        gap.nothing += by_wording[key][NOTHING]
        gap.disliked += by_wording[key][DISLIKED]
        gap.wordings.update(written[key])
    gaps.sort(key=lambda g: -g.count)
    return gaps[:limit] if limit is not None else gaps
