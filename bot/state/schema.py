"""The tables of the state database as the newest migration leaves them (SQLAlchemy Core).

Portable types only, so one schema serves SQLite and PostgreSQL: Integer keys, BigInteger
Telegram ids (group ids pass 2^31), Text, Boolean, Date, and `UTCDateTime` — aware UTC
datetimes in Python, stored as naive UTC (SQLite keeps no time zone; PostgreSQL's
``timestamp`` then means the same). Keys that are indexed (GUIDs, URL keys) are cut to a
hash when longer than `MAX_KEY` (`bot.state.records.key`): PostgreSQL refuses index
entries over about 2.7 KB.

`bot.state.migrations` creates these tables; a test migrates an empty database and
compares what it made with these definitions, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

UTC = dt.UTC


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime, stored as naive UTC; a naive datetime is refused."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the state database stores aware datetimes only (tzinfo=UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=UTC)


metadata = MetaData()

feeds = Table(
    "feeds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False, unique=True),
    Column("title", Text),
    Column("interval_seconds", Integer, nullable=False),
    Column("etag", Text),  # validators of the last complete fetch, for a conditional GET
    Column("last_modified", Text),
    Column("last_fetch", UTCDateTime),  # the last request, answered or not
    Column("last_new_item", UTCDateTime),
    Column("next_fetch", UTCDateTime),  # the schedule, with jitter and error back-off
    Column("backoff_until", UTCDateTime),  # the server's Retry-After: no request before
    Column("failures", Integer, nullable=False, default=0),  # in a row
    Column("error", Text),  # the last failure's reason (or a warning); None when all is well
    Column("error_at", UTCDateTime),
    Column("max_age_seconds", Integer),  # retention of this feed's articles (None: keep)
    Column("max_articles", Integer),
    Column("added", UTCDateTime, nullable=False),
)

items = Table(
    "items", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("guid", Text, nullable=False),  # the entry's id (else its link, else a hash)
    Column("link", Text),  # URL key of the entry's link
    Column("canonical", Text),  # URL key of the article's canonical URL
    Column("content_hash", Text),  # of the article's body as written
    Column("entry_hash", Text),  # of the entry's title and text in the feed
    Column("article_id", Text),  # None while the item has failed
    Column("origin", Text),  # made its article from the "page" or the "feed", or "linked"
    Column("published", Date),  # the article's
    Column("updated", UTCDateTime),  # the entry's updated (or published) date
    Column("seen_at", UTCDateTime, nullable=False),
    Column("changed_at", UTCDateTime),  # when its article was last replaced
    Column("removed_at", UTCDateTime),  # when retention removed its article
    Column("error", Text),  # why its article could not be made
    Column("attempts", Integer, nullable=False, default=0),  # failed attempts
    UniqueConstraint("feed_id", "guid", name="uq_items_feed_guid"),
    Index("ix_items_link", "link"),
    Index("ix_items_canonical", "canonical"),
    Index("ix_items_content_hash", "content_hash"),
    Index("ix_items_article_id", "article_id"),
)

chat_settings = Table(
    "chat_settings", metadata,
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("autoanswer", Boolean),  # None: the configured default
    Column("language", Text),  # None: the user's Telegram language
    Column("updated", UTCDateTime, nullable=False),
)

contexts = Table(
    "contexts", metadata,
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("message_id", BigInteger, primary_key=True, autoincrement=False),
    Column("question", Text, nullable=False),
    Column("article_ids", Text, nullable=False),  # a JSON list
    Column("previous_question", Text),  # the exchange this one followed up on
    Column("previous_article_ids", Text),
    Column("asker", BigInteger),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_contexts_chat_at", "chat_id", "at"),
)

watches = Table(
    "watches", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("question", Text, nullable=False),
    Column("fingerprint", Text),  # of the last answer posted (None: none yet)
    Column("created", UTCDateTime, nullable=False),
    Column("notified", UTCDateTime),
    UniqueConstraint("chat_id", "question", name="uq_watches_chat_question"),
)

question_log = Table(
    "question_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question", Text, nullable=False),
    Column("found", Boolean, nullable=False),
    Column("passage_id", Text),  # the quoted passage, if any
    Column("at", UTCDateTime, nullable=False),
    Index("ix_question_log_at", "at"),
)

feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("message_id", BigInteger, nullable=False),
    Column("question", Text, nullable=False),
    Column("passage_id", Text),
    Column("vote", SmallInteger, nullable=False),  # +1 or -1
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("chat_id", "message_id", name="uq_feedback_message"),
    Index("ix_feedback_at", "at"),
)

meta = Table(
    "meta", metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

# Telegram updates that a bot replica took or answered (bot.state.updates): replicas
# behind one webhook answer each update once.
handled_updates = Table(
    "handled_updates", metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("answered", Boolean, nullable=False),
    Column("owner", Text, nullable=False),  # the replica that took it
    Column("taken_at", UTCDateTime, nullable=False),
    Column("answered_at", UTCDateTime),
    Index("ix_handled_updates_taken_at", "taken_at"),
)

# Bot API calls the replicas made in one window (a second for the whole bot, a minute for
# a group): Telegram's flood limits are per bot token, not per process (bot.state.budget).
send_budget = Table(
    "send_budget", metadata,
    Column("slot", Text, primary_key=True),  # "all:<epoch second>", "chat:<id>:<minute>"
    Column("used", Integer, nullable=False),
    Column("ends", UTCDateTime, nullable=False),  # when the window is over
    Index("ix_send_budget_ends", "ends"),
)

V1_TABLES = (feeds, items, chat_settings, contexts, watches, question_log, feedback, meta)
V2_TABLES = (handled_updates,)
V3_TABLES = (send_budget,)
