"""The bot's own words in English and German; quotes are never translated.

`text(lang, key, **values)` returns a message; values must already be HTML-escaped
where the message is sent as HTML.
"""

from __future__ import annotations

LANGUAGES = ("en", "de")
DEFAULT_LANGUAGE = "en"

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "welcome": (
            "Hello{name}! {articles}\n"
            "I answer questions about them with verbatim quotes and their source — I never "
            "make anything up.\n\n{examples}\n\n"
            "/sources lists my articles, /help explains the rest."
        ),
        "examples": "Just ask, for example:\n• <code>{example1}</code>\n• <code>{example2}</code>",
        "prompt": "Ask me a question about my articles. {examples}",
        "knows_one": "I know one article: “{title}”{who}{when}.",
        "knows_many": "I know {count} articles{who}{when}; the newest: “{newest}”.",
        "from_outlets": " from {outlets}",
        "and_others": " and {count} more",
        "dated": " of {first} to {last}",
        "help": (
            "<b>How to ask</b>\n"
            "• In this chat: just write your question, e.g. <code>{example}</code>.\n"
            "• Reply to one of my answers to follow up, e.g. “and why?”.\n"
            "• In groups: <code>/ask your question</code>, mention me, or reply to my answer.\n"
            "• In any chat: type <code>@{username} your question</code> (inline mode).\n"
            "• <code>/watch your question</code>: I post here when a new article answers it "
            "differently.\n\n"
            "Every answer is a verbatim quote with its source. "
            "<b>More</b> shows further quotes, <b>Paragraph</b> the whole paragraph.\n\n"
            "/sources — the articles I know\n/about — how I work"
        ),
        "help_group": (
            "<b>How to ask me here</b>\n"
            "• <code>/ask your question</code>, e.g. <code>/ask {example}</code>, or mention "
            "@{username} with your question.\n"
            "• Reply to my answer to follow up, e.g. “and why?”.\n\n"
            "I answer with one verbatim quote and its source. <b>More</b> and "
            "<b>Paragraph</b> open it further, for the one who asked (and admins).\n\n"
            "/sources — the articles I know\n"
            "/watch question — (admins) news on it posted here; /watches\n"
            "/autoanswer on|off — (admins) answer every message ending in “?”"
        ),
        "about": (
            "<b>newsbot</b> finds the sentences in its articles that answer your question "
            "(BM25 search) and quotes them word for word, with title, outlet, date and "
            "paragraph. It does not generate text. Free software under the GPL-3.0-or-later.\n"
            "Articles: {articles} · passages: {passages} · index version <code>{version}</code>"
        ),
        "sources_title": "<b>My articles</b> ({articles}, {passages} passages; newest first)",
        "sources_empty": "I have no articles loaded.",
        "nothing_found": (
            "I found no quote about “{question}” in my articles. "
            "Try other words, or see /sources for what I know."
        ),
        "ask_usage": "Ask like this: <code>/ask {example}</code>",
        "too_many": ("You are asking faster than I can read — please wait a minute and ask again."),
        "too_long": (
            "That is a long text ({length} characters). Please ask a short question, "
            "at most {limit} characters, e.g. <code>{example}</code>"
        ),
        "text_only": "Please send your question as text.",
        "unknown_command": "I don't know that command. Just write your question, or see /help.",
        "error": "Sorry, something went wrong on my side. Please try again later.",
        "more": "More",
        "paragraph": "Paragraph",
        "quote": "Quote",
        "not_yours": "Only the one who asked (or an admin) can use these buttons.",
        "no_examples": "I have no articles loaded yet.",
        "stale_button": "This button is from an older version of my index — please ask again.",
        "autoanswer_on": "I will now answer every message in this chat that ends with “?”.",
        "autoanswer_off": "I answer only /ask, mentions and replies to me in this chat.",
        "autoanswer_usage": "Use <code>/autoanswer on</code> or <code>/autoanswer off</code>.",
        "autoanswer_status": "Answering messages that end with “?” is {state} here.",
        "on": "on",
        "off": "off",
        "admins_only": "Only administrators of this chat can change that.",
        "groups_only": "This setting is for groups.",
        "admin_only": "Sorry, only the bot's administrators can change its articles.",
        "admin_private_only": "Please send me that in a private chat.",
        "add_usage": "Add an article like this: <code>/add https://…</code>",
        "add_web_only": (
            "I add web pages only: <code>/add https://…</code>. Files on the server are "
            "added there, with <code>newsbot add FILE</code>."
        ),
        "add_offer": "Add this page to my articles?\n{url}",
        "add_button": "Add",
        "added": "Added “{title}” — {passages} passages, id <code>{id}</code>.",
        "add_duplicate": "I have that article already: <code>{id}</code> ({reason}).",
        "add_failed": "Could not add it: {reason}",
        "remove_usage": "Remove an article so: <code>/remove article-id</code> (see /sources).",
        "removed": "Removed <code>{id}</code> “{title}”.",
        "remove_unknown": "I have no article <code>{id}</code>; /sources lists them.",
        "remove_shared": (
            "<code>{id}</code> is in <code>{file}</code> together with other articles; "
            "edit that file to remove it."
        ),
        "reloaded": "Reloaded: {articles} articles, index version <code>{version}</code>.",
        "reload_errors": "Reloaded with problems:\n{errors}",
        "inline_hint": "Type a question about the news",
        "inline_nothing": "No quote found — tap for help",
        "inline_too_many": "Too many questions — please wait a minute",
        "updated": "updated {date}",
        "link": "link",
        "figures": "📊 Figures by date:",
        "status_planned": "planned", "status_reported": "reported",
        "status_confirmed": "confirmed", "status_unconfirmed": "not confirmed",
        "status_denied": "denied", "revises": "before: {value}",
        "cmd_start": "Welcome and examples",
        "cmd_help": "How to ask",
        "cmd_ask": "Ask a question: /ask question",
        "cmd_sources": "The articles I know",
        "cmd_about": "How I work",
        "cmd_autoanswer": "Answer questions ending in ? (admins)",
        "cmd_watch": "Watch a question: /watch question",
        "cmd_watches": "The questions watched here",
        "watch_usage": (
            "Watch a question like this: <code>/watch {example}</code> — when a new article "
            "answers it differently, I post the new quote here."
        ),
        "watch_too_long": "Please watch a shorter question, at most {limit} characters.",
        "watch_full": (
            "This chat watches {limit} questions already; stop one first (/watches, "
            "<code>/unwatch N</code>)."
        ),
        "watching": (
            "Watching {question}. When a new article gives a different answer — a new figure, "
            "a new statement — I post its quote here, once. /watches lists what is watched."
        ),
        "watch_news": "🔔 New on the watched question {question}:",
        "watches_none": "No questions are watched here. <code>/watch question</code> adds one.",
        "watches_title": "<b>Watched here</b> ({count} of {limit}):",
        "watch_last_news": ", news on {date}",
        "watches_hint": "<code>/unwatch N</code> stops watching number N.",
        "unwatch_usage": "Stop watching like this: <code>/unwatch 1</code> (see /watches).",
        "unwatch_unknown": "There is no watched question {number} here; see /watches.",
        "unwatched": "Stopped watching {question}.",
        "follow_usage": (
            "Follow a feed like this: <code>/follow https://…/feed.xml</code>, or with an "
            "interval: <code>/follow https://…/feed.xml 1h</code> (default 15m)."
        ),
        "unfollow_usage": "Stop following a feed so: <code>/unfollow 3</code> or its address "
                          "(see /feeds).",
        "follow_web_only": "I follow web feeds only: <code>/follow https://…</code>.",
        "feeds_no_folder": (
            "I serve the bundled articles, so I have no folder to put feed articles in: set "
            "<code>knowledge</code> in the config to a folder of your own."
        ),
        "follow_failed": "Not followed: {reason}",
        "following": (
            "Following <b>{id}</b>: {url} ({kind}{title}, {entries} entries) every {every}; "
            "its articles come with the next poll."
        ),
        "follow_updated": "Feed <b>{id}</b> is followed already: {url} — now every {every}.",
        "unfollowed": "Unfollowed <b>{id}</b>: {url} (its articles stay).",
        "feeds_none": "No feeds are followed. <code>/follow https://…/feed.xml</code> adds one.",
        "feeds_more": "… and {count} more (newsbot feeds lists them all).",
        "thanks_good": "Thanks! 👍 noted.",
        "thanks_bad": "Thanks — 👎 noted; the editors will see what was missing.",
        "admin_only_gaps": "Sorry, only the bot's administrators can see that.",
        "gaps_none": "No unanswered or 👎 questions in the last {days} days.",
        "gaps_title": (
            "<b>Gaps of the last {days} days</b> — questions without an answer or with 👎, "
            "similar wordings together:"
        ),
        "gaps_nothing": "{count}× nothing found",
        "gaps_also": "also:",
    },
    "de": {
        "welcome": (
            "Hallo{name}! {articles}\n"
            "Ich beantworte Fragen dazu mit wörtlichen Zitaten und ihrer Quelle — ich erfinde "
            "nichts dazu.\n\n{examples}\n\n"
            "/sources zeigt meine Artikel, /help erklärt den Rest."
        ),
        "examples": (
            "Frag einfach, zum Beispiel:\n• <code>{example1}</code>\n• <code>{example2}</code>"
        ),
        "prompt": "Stell mir eine Frage zu meinen Artikeln. {examples}",
        "knows_one": "Ich kenne einen Artikel: „{title}“{who}{when}.",
        "knows_many": "Ich kenne {count} Artikel{who}{when}; der neueste: „{newest}“.",
        "from_outlets": " von {outlets}",
        "and_others": " und {count} weiteren",
        "dated": " vom {first} bis {last}",
        "help": (
            "<b>So fragst du</b>\n"
            "• Hier im Chat: schreib einfach deine Frage, z. B. <code>{example}</code>.\n"
            "• Antworte auf eine meiner Antworten, um nachzufragen, z. B. „und warum?“.\n"
            "• In Gruppen: <code>/ask deine Frage</code>, erwähne mich oder antworte auf meine "
            "Antwort.\n"
            "• In jedem Chat: tippe <code>@{username} deine Frage</code> (Inline-Modus).\n"
            "• <code>/watch deine Frage</code>: ich melde mich hier, wenn ein neuer Artikel "
            "sie anders beantwortet.\n\n"
            "Jede Antwort ist ein wörtliches Zitat mit Quelle. "
            "<b>Mehr</b> zeigt weitere Zitate, <b>Absatz</b> den ganzen Absatz.\n\n"
            "/sources — die Artikel, die ich kenne\n/about — wie ich arbeite"
        ),
        "help_group": (
            "<b>So fragst du mich hier</b>\n"
            "• <code>/ask deine Frage</code>, z. B. <code>/ask {example}</code>, oder erwähne "
            "@{username} mit deiner Frage.\n"
            "• Antworte auf meine Antwort, um nachzufragen, z. B. „und warum?“.\n\n"
            "Ich antworte mit einem wörtlichen Zitat und seiner Quelle. <b>Mehr</b> und "
            "<b>Absatz</b> öffnen es weiter, für die Person, die gefragt hat (und Admins).\n\n"
            "/sources — die Artikel, die ich kenne\n"
            "/watch Frage — (Admins) Neues dazu hier melden; /watches\n"
            "/autoanswer on|off — (Admins) jede Nachricht mit „?“ am Ende beantworten"
        ),
        "about": (
            "<b>newsbot</b> sucht in seinen Artikeln die Sätze, die deine Frage beantworten "
            "(BM25-Suche), und zitiert sie wörtlich mit Titel, Medium, Datum und Absatz. "
            "Er erzeugt keinen eigenen Text. Freie Software unter der GPL-3.0-or-later.\n"
            "Artikel: {articles} · Abschnitte: {passages} · Indexversion <code>{version}</code>"
        ),
        "sources_title": (
            "<b>Meine Artikel</b> ({articles}, {passages} Abschnitte; die neuesten zuerst)"
        ),
        "sources_empty": "Ich habe keine Artikel geladen.",
        "nothing_found": (
            "Zu „{question}“ habe ich in meinen Artikeln kein Zitat gefunden. "
            "Versuch es mit anderen Worten, oder sieh unter /sources nach, was ich kenne."
        ),
        "ask_usage": "Frag so: <code>/ask {example}</code>",
        "too_many": "Du fragst schneller, als ich lesen kann — bitte warte eine Minute.",
        "too_long": (
            "Das ist ein langer Text ({length} Zeichen). Bitte stell eine kurze Frage, "
            "höchstens {limit} Zeichen, z. B. <code>{example}</code>"
        ),
        "text_only": "Bitte schick mir deine Frage als Text.",
        "unknown_command": (
            "Diesen Befehl kenne ich nicht. Schreib einfach deine Frage, "
            "oder sieh unter /help nach."
        ),
        "error": "Entschuldigung, bei mir ist etwas schiefgelaufen. Bitte versuch es später.",
        "more": "Mehr",
        "paragraph": "Absatz",
        "quote": "Zitat",
        "not_yours": "Diese Knöpfe kann nur nutzen, wer gefragt hat (oder ein Admin).",
        "no_examples": "Ich habe noch keine Artikel geladen.",
        "stale_button": "Dieser Knopf stammt von einem älteren Index — bitte frag noch einmal.",
        "autoanswer_on": "Ich beantworte jetzt jede Nachricht hier, die mit „?“ endet.",
        "autoanswer_off": "Ich antworte hier nur auf /ask, Erwähnungen und Antworten an mich.",
        "autoanswer_usage": "Nutze <code>/autoanswer on</code> oder <code>/autoanswer off</code>.",
        "autoanswer_status": "Nachrichten mit „?“ am Ende beantworte ich hier: {state}.",
        "on": "an",
        "off": "aus",
        "admins_only": "Das dürfen nur Administratoren dieses Chats ändern.",
        "groups_only": "Diese Einstellung gilt für Gruppen.",
        "admin_only": "Das dürfen nur die Administratoren dieses Bots.",
        "admin_private_only": "Bitte schick mir das in einem privaten Chat.",
        "add_usage": "Einen Artikel fügst du so hinzu: <code>/add https://…</code>",
        "add_web_only": (
            "Ich füge nur Webseiten hinzu: <code>/add https://…</code>. Dateien auf dem "
            "Server fügt man dort hinzu, mit <code>newsbot add DATEI</code>."
        ),
        "add_offer": "Diese Seite zu meinen Artikeln hinzufügen?\n{url}",
        "add_button": "Hinzufügen",
        "added": "Hinzugefügt: „{title}“ — {passages} Abschnitte, ID <code>{id}</code>.",
        "add_duplicate": "Diesen Artikel habe ich schon: <code>{id}</code> ({reason}).",
        "add_failed": "Konnte ihn nicht hinzufügen: {reason}",
        "remove_usage": "Artikel entfernen: <code>/remove artikel-id</code> (siehe /sources).",
        "removed": "Entfernt: <code>{id}</code> „{title}“.",
        "remove_unknown": "Einen Artikel <code>{id}</code> habe ich nicht; /sources zeigt alle.",
        "remove_shared": (
            "<code>{id}</code> steht in <code>{file}</code> zusammen mit anderen Artikeln; "
            "entferne ihn dort."
        ),
        "reloaded": "Neu geladen: {articles} Artikel, Indexversion <code>{version}</code>.",
        "reload_errors": "Neu geladen, mit Problemen:\n{errors}",
        "inline_hint": "Tippe eine Frage zu den Nachrichten",
        "inline_nothing": "Kein Zitat gefunden — tippen für Hilfe",
        "inline_too_many": "Zu viele Fragen — bitte warte eine Minute",
        "updated": "aktualisiert {date}",
        "link": "Link",
        "figures": "📊 Zahlen nach Datum:",
        "status_planned": "geplant", "status_reported": "gemeldet",
        "status_confirmed": "bestätigt", "status_unconfirmed": "nicht bestätigt",
        "status_denied": "dementiert", "revises": "zuvor: {value}",
        "cmd_start": "Begrüßung und Beispiele",
        "cmd_help": "So fragst du",
        "cmd_ask": "Eine Frage stellen: /ask Frage",
        "cmd_sources": "Die Artikel, die ich kenne",
        "cmd_about": "Wie ich arbeite",
        "cmd_autoanswer": "Fragen mit ? am Ende beantworten (Admins)",
        "cmd_watch": "Eine Frage beobachten: /watch Frage",
        "cmd_watches": "Die hier beobachteten Fragen",
        "watch_usage": (
            "Eine Frage beobachtest du so: <code>/watch {example}</code> — wenn ein neuer "
            "Artikel sie anders beantwortet, poste ich das neue Zitat hier."
        ),
        "watch_too_long": "Bitte beobachte eine kürzere Frage, höchstens {limit} Zeichen.",
        "watch_full": (
            "Dieser Chat beobachtet schon {limit} Fragen; beende zuerst eine (/watches, "
            "<code>/unwatch N</code>)."
        ),
        "watching": (
            "Ich beobachte {question}. Gibt ein neuer Artikel eine andere Antwort — eine neue "
            "Zahl, eine neue Aussage —, poste ich sein Zitat hier, einmal. /watches zeigt, "
            "was beobachtet wird."
        ),
        "watch_news": "🔔 Neu zur beobachteten Frage {question}:",
        "watches_none": (
            "Hier wird keine Frage beobachtet. <code>/watch Frage</code> fügt eine hinzu."
        ),
        "watches_title": "<b>Hier beobachtet</b> ({count} von {limit}):",
        "watch_last_news": ", Neues am {date}",
        "watches_hint": "<code>/unwatch N</code> beendet das Beobachten von Nummer N.",
        "unwatch_usage": "Beenden so: <code>/unwatch 1</code> (siehe /watches).",
        "unwatch_unknown": "Eine beobachtete Frage {number} gibt es hier nicht; siehe /watches.",
        "unwatched": "Ich beobachte {question} nicht mehr.",
        "follow_usage": (
            "Einem Feed folgst du so: <code>/follow https://…/feed.xml</code>, oder mit "
            "Intervall: <code>/follow https://…/feed.xml 1h</code> (Standard 15m)."
        ),
        "unfollow_usage": "Einen Feed beenden: <code>/unfollow 3</code> oder seine Adresse "
                          "(siehe /feeds).",
        "follow_web_only": "Ich folge nur Web-Feeds: <code>/follow https://…</code>.",
        "feeds_no_folder": (
            "Ich zeige die mitgelieferten Artikel und habe keinen Ordner für Feed-Artikel: "
            "setz <code>knowledge</code> in der Konfiguration auf einen eigenen Ordner."
        ),
        "follow_failed": "Nicht gefolgt: {reason}",
        "following": (
            "Ich folge <b>{id}</b>: {url} ({kind}{title}, {entries} Einträge) alle {every}; "
            "seine Artikel kommen mit der nächsten Abfrage."
        ),
        "follow_updated": "Feed <b>{id}</b> wird schon verfolgt: {url} — jetzt alle {every}.",
        "unfollowed": "Feed <b>{id}</b> beendet: {url} (seine Artikel bleiben).",
        "feeds_none": (
            "Ich folge keinem Feed. <code>/follow https://…/feed.xml</code> fügt einen hinzu."
        ),
        "feeds_more": "… und {count} weitere (newsbot feeds zeigt alle).",
        "thanks_good": "Danke! 👍 notiert.",
        "thanks_bad": "Danke — 👎 notiert; die Redaktion sieht, was gefehlt hat.",
        "admin_only_gaps": "Das dürfen nur die Administratoren dieses Bots sehen.",
        "gaps_none": "Keine unbeantworteten oder 👎-Fragen in den letzten {days} Tagen.",
        "gaps_title": (
            "<b>Lücken der letzten {days} Tage</b> — Fragen ohne Antwort oder mit 👎, "
            "ähnliche Formulierungen zusammen:"
        ),
        "gaps_nothing": "{count}× nichts gefunden",
        "gaps_also": "auch:",
    },
}


def language(code: str | None) -> str:
    """Map a language code like 'de-AT' or None to one of LANGUAGES."""
    if code:
        base = code.split("-")[0].split("_")[0].lower()
        if base in LANGUAGES:
            return base
    return DEFAULT_LANGUAGE


def text(lang: str, key: str, **values: object) -> str:
    """Return the message `key` in `lang` (English if unknown) with `values` filled in."""
    template = _TEXTS[language(lang)][key]
    return template.format(**values) if values else template
