"""Which messages in groups and channels are questions to the bot, and what they ask.

Pure functions over python-telegram-bot's Message objects: no I/O, easy to test.
"""

from __future__ import annotations

import re

from telegram import Message, MessageEntity, User


def command_argument(message: Message) -> str:
    """The text after a leading /command (or /command@bot), with whitespace kept inside."""
    text = message.text or ""
    entities = message.entities
    if entities and entities[0].type == MessageEntity.BOT_COMMAND and entities[0].offset == 0:
        return text[len(message.parse_entity(entities[0])) :].strip()
    return text.partition(" ")[2].strip()


def mentions(message: Message, bot: User) -> bool:
    """Whether the message mentions the bot by @username or as a text mention."""
    for entity, value in message.parse_entities(
        [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    ).items():
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
        if bot.username and value.lower() == f"@{bot.username.lower()}":
            return True
    return False


def without_mention(text: str, bot: User) -> str:
    """The text with @botname removed, whitespace tidied."""
    if bot.username:
        text = re.sub(rf"@{re.escape(bot.username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def replies_to_bot(message: Message, bot: User) -> bool:
    """Whether the message is a reply to one of the bot's own messages (a follow-up)."""
    replied = message.reply_to_message
    if replied is None or replied.forum_topic_created is not None:
        return False  # in forum topics every message "replies" to the topic's first message
    return replied.from_user is not None and replied.from_user.id == bot.id


def group_question(
    message: Message, bot: User, *, mentions_on: bool, replies_on: bool, autoanswer: bool
) -> str | None:
    """The question in a group message that is meant for the bot, else None."""
    text = message.text or ""
    if mentions_on and mentions(message, bot):
        return without_mention(text, bot) or None
    if replies_on and replies_to_bot(message, bot):
        return text.strip() or None
    if autoanswer and text.rstrip().endswith("?"):
        return text.strip()
    return None


def channel_question(message: Message, bot: User) -> str | None:
    """The question in a channel post that mentions the bot, else None."""
    if mentions(message, bot):
        return without_mention(message.text or "", bot) or None
    return None
