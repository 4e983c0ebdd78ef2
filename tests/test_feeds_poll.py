"""bot/feeds' Poller against a local feed server: new, changed and dropped items, 304s,
duplicates across feeds, replacement in place, caps, back-off, retention, broken and
hostile feeds, and a round that does not block the event loop.

Only 127.0.0.1 counts as a public address here (the guard is otherwise the real one), so
a redirect to 169.254.169.254 or 10.0.0.1 is refused exactly as in production.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from feedserver import FeedServer, Story

from bot.feeds import Poller, PollSettings, Rules
from bot.ingest import safety
from bot.ingest.fetch import FetchSettings
from bot.knowledge import load
from bot.state import State, resolve_url

T0 = dt.datetime(2025, 3, 14, 12, 0, tzinfo=dt.UTC)
FETCH = FetchSettings(timeout=1.0, deadline=4.0)


def story(n: int, **changes: object) -> Story:
    """The n-th test story (German news, enough text for an article)."""
    base = STORIES[n]
    made = Story(base[0], base[1], list(base[2]), T0 - dt.timedelta(hours=n + 1))
    for name, value in changes.items():
        setattr(made, name, value)
    return made


STORIES = [
    ("faehre", "Neue Fähre nach Trelleborg startet im Mai", [
        "Ab Mai verbindet eine neue Fähre den Überseehafen Rostock mit Trelleborg in "
        "Südschweden. Die Reederei rechnet mit bis zu 1.200 Passagieren pro Tag.",
        "Das Schiff bietet Platz für 180 Lastwagen und ist damit deutlich größer als die "
        "bisher eingesetzte Fähre, teilte der Hafen am Donnerstag mit."]),
    ("altstadt", "Altstadt-Sanierung in Wismar wird teurer", [
        "Die Sanierung der Wismarer Altstadt kostet statt 8 Millionen Euro nun 11,5 Millionen "
        "Euro, teilte die Stadtverwaltung am Mittwoch mit.",
        "Grund seien gestiegene Baupreise und Schäden an den Fundamenten, die erst während "
        "der Arbeiten entdeckt worden seien. Die Bürgerschaft entscheidet im April."]),
    ("ozeaneum", "Ozeaneum zählt so viele Besucher wie nie", [
        "Das Ozeaneum in Stralsund hat im vergangenen Jahr 712.000 Besucher gezählt, so viele "
        "wie nie zuvor seit seiner Eröffnung im Jahr 2008.",
        "Besonders gefragt waren die Führungen hinter den Kulissen und die neue Ausstellung "
        "über Schweinswale in der Ostsee, sagte der Direktor."]),
    ("elbtunnel", "Sperrung im Elbtunnel dauert bis Juni", [
        "Die Oströhre des Elbtunnels bleibt länger gesperrt als angekündigt: Die Autobahn "
        "GmbH verlängerte die Sperrung am Mittwoch bis Ende Juni.",
        "Betroffen sind täglich rund 110.000 Fahrzeuge. Pendler müssen in den Stoßzeiten mit "
        "Staus von bis zu zehn Kilometern rechnen, hieß es."]),
    ("schule", "HafenCity bekommt eine zweite Grundschule", [
        "In der Hamburger HafenCity soll bis 2028 eine zweite Grundschule entstehen. Die "
        "Schulbehörde rechnet dort mit rund 600 Kindern im Grundschulalter.",
        "Der Bau soll 45 Millionen Euro kosten und wird gemeinsam mit einer Kita und einer "
        "Sporthalle geplant, teilte die Behörde am Dienstag mit."]),
]


@pytest.fixture(autouse=True)
def only_loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    real = safety.address_problem

    def problem(address: safety.IPAddress) -> str | None:
        return None if address == ipaddress.ip_address("127.0.0.1") else real(address)

    monkeypatch.setattr(safety, "address_problem", problem)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as feeds:
        yield feeds


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    return folder


@pytest.fixture
def state(kb: Path) -> Iterator[State]:
    with State.open(resolve_url(kb)) as opened:
        yield opened


def poller(state: State, kb: Path, **settings: object) -> Poller:
    return Poller(state, kb, PollSettings(fetch=FETCH, **settings),  # type: ignore[arg-type]
                  random.Random(7))


def articles(kb: Path) -> dict[str, dict[str, object]]:
    """Every knowledge file's data by id (and nothing half-written beside them)."""
    assert not list(kb.glob(".*.tmp"))
    return {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in sorted(kb.glob("*.yaml"))}


def test_new_items_become_articles_and_an_unchanged_feed_is_answered_304(
    server: FeedServer, state: State, kb: Path
) -> None:
    server.stories = [story(0), story(1)]
    state.feeds.add(server.publish("/feed.xml"), 900, now=T0)
    report = poller(state, kb).poll(T0)
    assert report.line().startswith("1 feed(s): 2 new, 0 replaced, 0 removed, 0 failed")
    found = articles(kb)
    assert {a["title"] for a in found.values()} == {story(0).title, story(1).title}
    faehre = next(a for a in found.values() if a["title"] == story(0).title)
    assert str(faehre["published"]) == "2025-03-14" and faehre["language"] == "de"
    assert faehre["url"] == server.page_url(story(0))
    assert not load(kb).errors

    again = poller(state, kb).poll(T0 + dt.timedelta(hours=1))
    assert [f.status for f in again.feeds] == ["not-modified"] and not again.changed
    first, second = server.requests("/feed.xml")
    assert first[1:] == (None, None, 200)
    assert second[1] == server.docs["/feed.xml"].etag and second[3] == 304
    assert len(articles(kb)) == 2


@pytest.mark.parametrize("kind", ["rss", "atom", "json", "sitemap"])
def test_every_format_is_followed(server: FeedServer, state: State, kb: Path, kind: str) -> None:
    server.stories = [story(2), story(3)]
    state.feeds.add(server.publish(f"/feed-{kind}", kind), 900, now=T0)
    report = poller(state, kb).poll(T0)
    assert len(report.added) == 2, report.feeds
    assert {a["title"] for a in articles(kb).values()} == {story(2).title, story(3).title}
    assert state.feeds.list()[0].title.startswith("Testkurier")


def test_feeds_gain_change_and_drop_items(server: FeedServer, state: State, kb: Path) -> None:
    server.stories = [story(0), story(1)]
    state.feeds.add(server.publish("/feed.xml"), 900, now=T0)
    first = poller(state, kb).poll(T0)
    (faehre_id,) = [a for a, d in articles(kb).items() if d["title"] == story(0).title]
    assert faehre_id in first.added

    changed = story(0, updated=T0 + dt.timedelta(days=2))
    changed.paragraphs[0] = changed.paragraphs[0].replace("1.200", "1.500")
    server.stories = [changed, story(2)]  # story 1 dropped, story 2 new, story 0 changed
    server.publish("/feed.xml")
    second = poller(state, kb).poll(T0 + dt.timedelta(days=2))
    assert second.replaced == (faehre_id,)
    assert len(second.added) == 1
    found = articles(kb)
    assert len(found) == 3  # a dropped item's article stays
    faehre = found[faehre_id]
    assert "1.500 Passagieren" in faehre["body"][0] and "1.200" not in str(faehre["body"])
    assert str(faehre["published"]) == "2025-03-14" and str(faehre["updated"]) == "2025-03-16"
    assert [d["title"] for d in found.values()].count(story(0).title) == 1

    third = poller(state, kb).poll(T0 + dt.timedelta(days=3))
    assert [f.status for f in third.feeds] == ["not-modified"]


def test_an_updated_item_replaces_its_article_and_the_engine_quotes_the_new_text(
    server: FeedServer, state: State, kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.engine import Engine

    monkeypatch.setenv("NEWSBOT_INDEX", "off")
    server.stories = [story(1)]
    state.feeds.add(server.publish("/feed.xml", "atom"), 900, now=T0)
    poller(state, kb).poll(T0)
    newer = story(1, updated=T0 + dt.timedelta(days=1))
    newer.paragraphs[0] = newer.paragraphs[0].replace("11,5 Millionen", "13 Millionen")
    server.stories = [newer]
    server.publish("/feed.xml", "atom")
    report = poller(state, kb).poll(T0 + dt.timedelta(days=1))
    assert len(report.replaced) == 1 and not report.added
    (article,) = articles(kb).values()
    assert str(article["updated"]) == "2025-03-15" and str(article["published"]) == "2025-03-14"
    answer = Engine.load(kb).answer("Wie viel kostet die Sanierung der Altstadt?")
    assert answer.found and "13 Millionen" in answer.snippets[0].quote
    assert answer.snippets[0].source.updated == dt.date(2025, 3, 15)


def test_the_same_text_again_replaces_nothing(server: FeedServer, state: State, kb: Path) -> None:
    server.stories = [story(0)]
    state.feeds.add(server.publish("/feed.xml"), 900, now=T0)
    poller(state, kb).poll(T0)
    before = {p.name: p.stat().st_mtime_ns for p in kb.glob("*.yaml")}
    server.stories = [story(0, summary="Eine neue Fähre fährt ab Mai nach Schweden.")]
    server.publish("/feed.xml")  # the entry's teaser changed, the page did not
    report = poller(state, kb).poll(T0 + dt.timedelta(hours=1))
    assert not report.replaced and not report.added
    assert {p.name: p.stat().st_mtime_ns for p in kb.glob("*.yaml")} == before


def test_duplicates_across_two_feeds_are_one_article(
    server: FeedServer, state: State, kb: Path
) -> None:
    server.stories = [story(0), story(1), story(2)]
    a = state.feeds.add(server.publish("/a.xml"), 900, now=T0)
    b = state.feeds.add(server.publish("/b.json", "json", [story(1, guid="json-1"), story(2)]),
                        900, now=T0)
    report = poller(state, kb, workers=1).poll(T0)
    assert len(articles(kb)) == 3
    by_feed = {f.feed_id: f for f in report.feeds}
    assert len(by_feed[a.id].added) == 3
    assert by_feed[b.id].duplicates == 2 and not by_feed[b.id].added
    assert {i.article_id for i in state.items.list(b.id)} <= set(by_feed[a.id].added)


def test_an_article_added_by_hand_is_not_added_again(
    server: FeedServer, state: State, kb: Path
) -> None:
    from bot.ingest import add

    server.stories = [story(3)]
    summary = add([server.page_url(story(3))], kb, FETCH)
    assert len(summary.added) == 1
    state.feeds.add(server.publish("/feed.xml"), 900, now=T0)
    report = poller(state, kb, rules=Rules(max_articles=0)).poll(T0)
    assert report.feeds[0].duplicates == 1 and not report.added
    assert not report.removed and len(articles(kb)) == 1  # retention leaves it alone


def test_a_page_that_cannot_be_fetched_falls_back_to_the_feeds_own_text(
    server: FeedServer, state: State, kb: Path
) -> None:
    server.stories = [story(4, page=False)]
    state.feeds.add(server.publish("/feed.xml", "atom"), 900, now=T0)
    report = poller(state, kb).poll(T0)
    assert len(report.added) == 1
    (article,) = articles(kb).values()
    assert article["title"] == story(4).title
    assert article["body"] == story(4).paragraphs  # the entry's <content>
    assert state.items.list()[0].origin == "feed"


def test_an_item_without_article_is_retried_then_given_up(
    server: FeedServer, state: State, kb: Path
) -> None:
    server.stories = [story(4, page=False, summary="Zu kurz.")]
    feed = state.feeds.add(server.publish("/feed.xml"), 900, now=T0)
    for n in range(1, 4):
        report = poller(state, kb, max_attempts=3).poll(T0 + dt.timedelta(hours=n))
        (reason,) = report.feeds[0].failed
        assert "answered 404" in reason and "too little text" in reason
        assert (state.feeds.get(feed.id).etag is None) == (n < 3)  # retried: fetched anew
    assert state.items.list()[0].attempts == 3
    quiet = poller(state, kb).poll(T0 + dt.timedelta(hours=4))
    assert quiet.feeds[0].status == "not-modified"
    server.stories.append(story(0))
    server.publish("/feed.xml")
    report = poller(state, kb).poll(T0 + dt.timedelta(hours=5))
    assert len(report.added) == 1
    (reason,) = report.feeds[0].failed
    assert reason.startswith("gave up after 3 attempts: ")
    assert state.items.list()[0].attempts == 3  # not fetched again


def test_broken_slow_huge_and_hostile_feeds_fail_alone(
    server: FeedServer, state: State, kb: Path
) -> None:
    server.stories = [story(0)]
    good = state.feeds.add(server.publish("/good.xml"), 900, now=T0)
    bad = {path: state.feeds.add(server.url(path), 900, now=T0).id for path in (
        "/garbage.xml", "/wrong-type", "/web-page", "/to-metadata", "/to-ten", "/slow-feed",
        "/huge-feed", "/missing.xml")}
    report = poller(state, kb).poll(T0)
    assert len(report.added) == 1 and report.feeds[0].feed_id == good.id
    errors = {path: state.feeds.get(n).error or "" for path, n in bad.items()}
    assert "not an RSS, Atom or JSON feed nor a news sitemap" in errors["/garbage.xml"]
    assert "not a news feed (Content-Type image/png)" in errors["/wrong-type"]
    assert "not a news feed (Content-Type text/html)" in errors["/web-page"]
    assert "169.254.169.254: a link-local address" in errors["/to-metadata"]
    assert "10.0.0.1: a private-network address" in errors["/to-ten"]
    assert "no answer within 1 s" in errors["/slow-feed"]
    assert "the feed is larger than 5 MB" in errors["/huge-feed"]
    assert "answered 404" in errors["/missing.xml"]
    for n in bad.values():
        feed = state.feeds.get(n)
        assert feed.failures == 1 and feed.error_at == T0 and feed.next_fetch > T0
    assert {f.status for f in report.feeds if f.feed_id != good.id} == {"failed"}


def test_a_malformed_feed_is_read_leniently_and_the_fault_noted(
    server: FeedServer, state: State, kb: Path
) -> None:
    server.stories = [story(0), story(1)]
    feed = state.feeds.add(server.url("/broken.xml"), 900, now=T0)
    report = poller(state, kb).poll(T0)
    assert len(report.added) == 1 and not report.feeds[0].failed  # the complete item
    record = state.feeds.get(feed.id)
    assert record.error.startswith("malformed, read leniently") and record.failures == 0


def test_a_redirect_to_a_private_address_says_how_to_allow_it(
    server: FeedServer, state: State, kb: Path
) -> None:
    state.feeds.add(server.url("/to-ten"), 900, now=T0)
    refused = poller(state, kb).poll(T0)
    assert "refused to fetch from 10.0.0.1" in refused.feeds[0].error
    assert "allow private networks" in refused.feeds[0].error


def test_an_entity_bomb_is_not_expanded(server: FeedServer, state: State, kb: Path) -> None:
    feed = state.feeds.add(server.url("/bomb.xml"), 900, now=T0)
    report = poller(state, kb).poll(T0)
    assert report.feeds[0].status == "fetched"
    title = state.feeds.get(feed.id).title or ""
    assert len(title) < 100  # 10^9 characters had it been expanded
    assert not articles(kb)


def test_retry_after_holds_off_even_a_forced_poll(
    server: FeedServer, state: State, kb: Path
) -> None:
    limited = state.feeds.add(server.url("/ratelimited"), 900, now=T0)
    busy = state.feeds.add(server.url("/unavailable"), 900, now=T0)
    first = poller(state, kb).poll(T0, force=True)
    assert {f.status for f in first.feeds} == {"failed"}
    held = state.feeds.get(limited.id)
    assert held.backoff_until == T0 + dt.timedelta(seconds=120)
    assert "it asks to wait 120 s" in held.error and "429" in held.error
    assert state.feeds.get(busy.id).backoff_until > T0 + dt.timedelta(minutes=50)
    asked = len(server.log)
    soon = poller(state, kb).poll(T0 + dt.timedelta(seconds=60), force=True)
    assert {f.status for f in soon.feeds} == {"skipped"} and len(server.log) == asked
    assert "Retry-After" in soon.feeds[0].error
    later = poller(state, kb).poll(T0 + dt.timedelta(seconds=121), force=True)
    assert [f.feed_id for f in later.feeds if f.status == "failed"] == [limited.id]
    assert state.feeds.get(limited.id).failures == 2


def test_failures_back_off_and_success_resets(server: FeedServer, state: State, kb: Path) -> None:
    feed = state.feeds.add(server.url("/feed.xml"), 600, now=T0)  # 404 until published
    now = T0
    waits = []
    for _ in range(4):
        poller(state, kb).poll(now)
        record = state.feeds.get(feed.id)
        waits.append((record.next_fetch - now).total_seconds())
        assert not poller(state, kb).poll(now + dt.timedelta(seconds=1)).feeds  # not due
        now = record.next_fetch
    for n, wait in enumerate(waits):
        assert 0.9 * 600 * 2**n <= wait <= 1.1 * 600 * 2**n
    assert state.feeds.get(feed.id).failures == 4
    server.stories = [story(0)]
    server.publish("/feed.xml")
    poller(state, kb).poll(now)
    record = state.feeds.get(feed.id)
    assert record.failures == 0 and record.error is None and record.last_new_item == now
    assert 540 <= (record.next_fetch - now).total_seconds() <= 660


def test_a_round_fetches_at_most_the_cap_and_the_rest_next_time(
    server: FeedServer, state: State, kb: Path
) -> None:
    server.stories = [story(n) for n in range(5)]
    feed = state.feeds.add(server.publish("/feed.xml"), 900, now=T0)
    counts = []
    for n in range(4):
        report = poller(state, kb, max_items_per_feed=2).poll(T0 + dt.timedelta(hours=n))
        counts.append((len(report.added), report.feeds[0].left_over, report.feeds[0].status))
    assert counts == [(2, 3, "fetched"), (2, 1, "fetched"), (1, 0, "fetched"),
                      (0, 0, "not-modified")]
    assert state.feeds.get(feed.id).etag == server.docs["/feed.xml"].etag
    newest_first = [d["title"] for d in articles(kb).values()]
    assert len(newest_first) == 5


def test_the_round_cap_is_shared_by_all_feeds(server: FeedServer, state: State, kb: Path) -> None:
    server.stories = [story(n) for n in range(5)]
    state.feeds.add(server.publish("/a.xml", "rss", server.stories[:3]), 900, now=T0)
    state.feeds.add(server.publish("/b.xml", "atom", server.stories[3:]), 900, now=T0)
    report = poller(state, kb, max_items=3).poll(T0)
    assert len(report.added) == 3
    assert sum(f.left_over for f in report.feeds) == 2


def test_retention_removes_the_oldest_articles_of_a_feed(
    server: FeedServer, state: State, kb: Path
) -> None:
    server.stories = [story(n) for n in range(4)]
    state.feeds.add(server.publish("/feed.xml"), 900, max_articles=2, now=T0)
    report = poller(state, kb).poll(T0)
    assert len(report.added) == 4 and len(report.removed) == 2
    assert sorted(d["title"] for d in articles(kb).values()) == sorted(
        [story(0).title, story(1).title])
    assert len([i for i in state.items.list() if i.removed_at]) == 2
    server.stories = [*server.stories, story(4, published=T0 - dt.timedelta(days=9))]
    server.publish("/feed.xml")
    again = poller(state, kb).poll(T0 + dt.timedelta(hours=1))
    assert len(again.added) == 1 and again.removed == again.added  # old news, straight out
    assert len(articles(kb)) == 2


def test_global_max_age(server: FeedServer, state: State, kb: Path) -> None:
    server.stories = [story(0), story(1, published=T0 - dt.timedelta(days=40))]
    state.feeds.add(server.publish("/feed.xml"), 900, now=T0)
    report = poller(state, kb, rules=Rules(max_age=30 * 86400)).poll(T0)
    assert len(report.added) == 2 and len(report.removed) == 1
    assert [d["title"] for d in articles(kb).values()] == [story(0).title]


def test_the_installed_articles_are_never_written_to(state: State) -> None:
    import bot
    from bot.ingest import IngestError

    with pytest.raises(IngestError, match="newsbot's installed package"):
        Poller(state, Path(bot.__file__).parent / "bundled")


async def test_poll_due_leaves_the_event_loop_free(
    server: FeedServer, state: State, kb: Path
) -> None:
    server.stories = [story(0)]
    state.feeds.add(server.url("/blocked"), 900, now=T0)
    running = poller(state, kb)
    task = asyncio.create_task(running.poll_due(T0))
    for _ in range(2000):  # the loop runs this while the round waits for the server
        if server.arrived.is_set():
            break
        await asyncio.sleep(0.005)
    assert server.arrived.is_set() and not task.done()
    assert running.poll(T0).busy  # a second round does not start meanwhile
    server.release.set()
    report = await task
    assert len(report.added) == 1


def measure_round(items: int = 20, feeds: int = 5) -> dict[str, float]:
    """Seconds of a first round (`feeds` feeds of `items` new entries each, every page
    fetched and extracted) and of the round after it (all 304)."""
    import tempfile
    import time

    real = safety.address_problem
    safety.address_problem = lambda a: None if str(a) == "127.0.0.1" else real(a)
    with FeedServer() as server, tempfile.TemporaryDirectory() as folder:
        kb = Path(folder)
        for n in range(items * feeds):
            server.stories.append(story(n % len(STORIES), slug=f"s{n}", title=f"Meldung {n}",
                                        paragraphs=[f"{p} (Nr. {n})" for p in STORIES[n % 5][2]]))
        with State.open(resolve_url(kb)) as state:
            for f in range(feeds):
                state.feeds.add(server.publish(f"/f{f}.xml", "rss",
                                               server.stories[f * items:(f + 1) * items]),
                                900, now=T0)
            run = Poller(state, kb, PollSettings(fetch=FETCH, max_items=1000), random.Random(1))
            started = time.perf_counter()
            first = run.poll(T0, force=True)
            middle = time.perf_counter()
            second = run.poll(T0, force=True)
            done = time.perf_counter()
    assert len(first.added) == items * feeds and not second.added
    return {"new": items * feeds, "first_round_s": round(middle - started, 2),
            "per_item_ms": round((middle - started) / (items * feeds) * 1000, 1),
            "all_304_round_s": round(done - middle, 3)}


if __name__ == "__main__":
    print(measure_round())


def test_a_replaced_and_an_expired_item_reach_the_running_engine_without_a_rebuild(
    server: FeedServer, state: State, kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the saved index: a replaced item is a tombstone and a segment, an expired one
    a tombstone; the engine's reload answers from them and nothing is built again."""
    from bot.engine import Engine
    from bot.index import opening

    (kb / "archive.jsonl").write_text("".join(  # an archive the feed's articles join
        f'{{"id": "archiv-{n}", "title": "Ratssitzung {n}", "language": "de", '
        f'"text": "Der Stadtrat tagte am Montag zum Tagesordnungspunkt {n}."}}\n'
        for n in range(60)), "utf-8")
    server.stories = [story(1), story(3)]
    state.feeds.add(server.publish("/feed.xml", "atom"), 900, now=T0)
    poller(state, kb).poll(T0)
    engine = Engine.load(kb)
    assert engine.index_state == "built" and engine.article_count() == 62

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole index was built again")

    monkeypatch.setattr(opening, "load_and_build", no_build)
    newer = story(1, updated=T0 + dt.timedelta(days=1))
    newer.paragraphs[0] = newer.paragraphs[0].replace("11,5 Millionen", "13 Millionen")
    server.stories = [newer, story(3)]
    server.publish("/feed.xml", "atom")
    report = poller(state, kb).poll(T0 + dt.timedelta(days=1))
    assert len(report.replaced) == 1 and report.changed
    assert engine.reload() == []
    assert engine.index_state == "updated" and engine.article_count() == 62
    assert engine.index_dir is not None and list(engine.index_dir.glob("deleted-*"))
    answer = engine.answer("Wie viel kostet die Sanierung der Altstadt?")
    assert answer.found and "13 Millionen" in answer.snippets[0].quote
    assert answer.snippets[0].source.updated == dt.date(2025, 3, 15)
    assert not any("11,5 Millionen" in s.quote for s in answer.snippets)

    expired = poller(state, kb, rules=Rules(max_articles=1)).poll(T0 + dt.timedelta(days=2))
    assert len(expired.removed) == 1 and expired.changed
    engine.reload()
    assert engine.index_state == "updated" and engine.article_count() == 61
    assert engine.article(expired.removed[0]) is None
    left = engine.answer("Wie lange bleibt der Elbtunnel gesperrt?")
    assert not any("Elbtunnel" in s.quote for s in left.snippets)
