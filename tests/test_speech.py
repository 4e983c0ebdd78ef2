"""Who says what: every sentence of the bundled article and of the test articles
(tests/articles/) attributed to its speaker, with role, entity and kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge import bundled_knowledge, load_yaml
from bot.speech import ARTICLE, ArticleSpeech, Attribution, attribute_article, said_by, speaks_for

ARTICLES = Path(__file__).parent / "articles"


def attributed(path: Path) -> tuple[list[str], ArticleSpeech]:
    article = load_yaml(path)
    paragraphs = [p.text for p in article.paragraphs]
    return paragraphs, attribute_article(paragraphs, article.language, article.title)


Row = tuple[str, str | None, str | None, tuple[str, ...], str]


def table(path: Path, expected: list[Row]) -> list[Row]:
    """(sentence start, speaker, role, speaks_for, kind) for every sentence, the start as
    long as the expected row's."""
    paragraphs, speech = attributed(path)
    out = []
    for n, s in enumerate(speech.sentences):
        text = paragraphs[s.paragraph][s.span.start:s.span.end]
        a = s.attribution
        width = len(expected[n][0]) if n < len(expected) else 30
        out.append((text[:width], a.speaker, a.role, a.speaks_for, a.kind))
    return out


NIS = ("NIS", "südkoreanische Geheimdienst", ("KR",), "reported")
AUSTIN = ("Lloyd Austin", "US-Verteidigungsminister", ("US",))
PESKOW = ("Dmitri Peskow", "Sprecher von Präsident Wladimir Putin", ("RU",), "direct")
ART = (None, None, (), "article")

BUNDLED = [
    ("Videos von nordkoreanischen Sol", *NIS),  # "will der … NIS herausgefunden haben"
    ("Am Freitag hieß es, 1.500 Solda", *NIS),  # "hieß es" after the NIS
    ("Eine zweite Entsendung werde „i", *NIS),  # "hieß es weiter"
    ("Der Geheimdienst stützt seine I", *NIS),  # Konjunktiv I: "eingesetzt habe"
    ("Am Mittwoch sprach auch die US-", "US-Regierung", None, ("US",), "reported"),
    ("US-Verteidigungsminister Lloyd ", *AUSTIN, "direct"),  # colon form
    ("Auch die NATO hat nach eigenen ", "NATO", None, ("NATO",), "reported"),
    ("Verbündete hätten die Stationie", "Farah Dakhlallah", "NATO-Sprecherin", ("NATO",),
     "reported"),
    ("Bis zu 12.000 Soldaten sollen e", *NIS),  # "laut dem NIS": the same NIS
    ("Weder das Pentagon noch die NAT", "Pentagon und NATO", None, ("US", "NATO"), "reported"),
    ("Sollte dem tatsächlich so sein,", *AUSTIN, "reported"),  # "so Austin"
    ("Der ukrainische Geheimdienstche", "Kyrylo Budanow", "ukrainische Geheimdienstchef",
     ("UA",), "reported"),
    ("Auch dafür gibt es vorerst kein", *ART),
    ("Sollte sich diese Annahme bewah", *ART),
    ("Südkorea, das die Ukraine bishe", *ART),
    ("„Wir würden als Teil der schrit", "Sprecher des südkoreanischen Präsidialamtes", None,
     ("KR",), "direct"),
    ("Aus dem offiziellen Moskau sind", "offizielles Moskau", None, ("RU",), "reported"),
    ("„Die Demokratische Volksrepubli", *PESKOW),
    ("„Dies sollte niemanden beunruhi", *PESKOW),  # the quotation goes on: his too
    ("Nordkoreas unterstützt die russ", *ART),
    ("Mittlerweile ist bestätigt, das", *ART),
    ("Etwa die Hwasong-11, in deren W", *ART),
    ("50 dieser Raketen sollen bereit", None, None, (), "reported"),  # hearsay, no source
    ("Die Beziehungen zwischen Moskau", *ART),
    ("Pjöngjang seinerseits versucht,", *ART),
    ("Zusätzlich erhofft man sich, Zu", *ART),
    ("Kim Jong-un hatte Putin wiederh", *ART),
    ("Sollte sich der Einsatz nordkor", *ART),
    ("Damit droht eine weitere Eskala", *ART),
]


def test_bundled_article_every_sentence() -> None:
    path = bundled_knowledge() / "nordkorea-soldaten-russland.yaml"
    assert table(path, BUNDLED) == BUNDLED


KREML = [
    ("„Wir haben damit nichts zu tun“", "Dmitri Peskow", "Kremlsprecher", ("RU",), "direct"),
    # "der Kreml-Sprecher" is Peskow; the colon form after the verb is direct speech
    ("Der Kreml-Sprecher fügte hinzu:", "Dmitri Peskow", "Kremlsprecher", ("RU",), "direct"),
    ("Er betonte, Russland halte sich", "Dmitri Peskow", "Kremlsprecher", ("RU",), "reported"),
    # the quotation before and after its speaker
    ("„Wir sind bereit“, sagte Außenm", "Sergej Lawrow", "Außenminister", ("RU",), "direct"),
    ("Laut einem Bericht der Nachrich", "Reuters", "Nachrichtenagentur", (), "reported"),
    ("Dem ukrainischen Militärgeheimd", "HUR", "ukrainischen Militärgeheimdienst", ("UA",),
     "reported"),
    # a quotation inside the quotation is the speaker's too
    ("„Er sagte mir: ‚Wir kommen nich", "Anwohnerin aus Kursk", None, (), "direct"),
    # a quotation alone whose speaker comes in the next sentence
    ("„Die Soldaten tragen russische ", "ukrainischer Offizier", None, ("UA",), "direct"),
    ("„Man erkennt sie nur an der Spr", "ukrainischer Offizier", None, ("UA",), "direct"),
    ("Eine zweite Welle werde bald fo", "Regierungskreisen in Kiew", None, ("UA",), "reported"),
    ("Nach Angaben des Pentagons befi", "Pentagon", None, ("US",), "reported"),
    ("Das Verteidigungsministerium in", "Verteidigungsministerium in Washington", None, ("US",),
     "reported"),
    ("Der NIS spricht inzwischen von ", "NIS", None, ("KR",), "reported"),
    ("Moskau bestreitet das.", "Moskau", None, ("RU",), "reported"),
    ("Der ukrainische Geheimdienstche", *ART),
    # the interview: questions are the article's, answers the guest's
    ("Frage: Wann werden die Soldaten", *ART),
    ("Budanow: Wir erwarten sie noch ", "Kyrylo Budanow", "ukrainische Geheimdienstchef",
     ("UA",), "direct"),
    ("Sie werden in Kursk eingesetzt.", "Kyrylo Budanow", "ukrainische Geheimdienstchef",
     ("UA",), "direct"),
    ("Frage: Wie viele sollen es werd", *ART),
    ("Antwort: Bis Jahresende könnten", "Kyrylo Budanow", "ukrainische Geheimdienstchef",
     ("UA",), "direct"),
    ("Die Regierung in Pjöngjang schw", *ART),
]


def test_german_article_with_tricky_frames() -> None:
    assert table(ARTICLES / "kreml-dementi.de.yaml", KREML) == KREML


PESKOV = ("Dmitry Peskov", "Kremlin spokesman", ("RU",))
KREMLIN = [
    ('"We have nothing to do with it,', *PESKOV, "direct"),  # "…," said X, the …
    ("Peskov told reporters on Monda", *PESKOV, "reported"),  # later by surname
    ("He added that Russia respected", *PESKOV, "reported"),  # a pronoun
    ('"This is a dangerous escalation', "Antony Blinken", "Secretary of State", ("US",),
     "direct"),
    ('"We are watching closely," said', "Smith", "spokeswoman for the State Department",
     ("US",), "direct"),
    ("According to a report by Reute", "Reuters", None, (), "reported"),
    ("South Korea's National Intellig", "South Korea's National Intelligence Service", None,
     ("KR",), "reported"),
    ("The service also claims that t", "South Korea's National Intelligence Service", None,
     ("KR",), "reported"),
    ('"There is no evidence of that,"', "Pentagon spokesman", None, ("US",), "direct"),
    ("In an interview, Ukraine's inte", None, None, (), "article"),
    ("Q: How many North Korean soldie", None, None, (), "article"),
    ("A: We believe about 11,000 sold", "Kyrylo Budanov", "Ukraine's intelligence chief",
     ("UA",), "direct"),
    ("Russia denies that any North Ko", "Russia", None, ("RU",), "reported"),
    ("North Korean state media did no", None, None, (), "article"),
]


def test_english_article_with_tricky_frames() -> None:
    assert table(ARTICLES / "kremlin-denial.en.yaml", KREMLIN) == KREMLIN


def one(text: str, language: str = "de", title: str = "") -> list[Attribution]:
    return [s.attribution for s in attribute_article([text], language, title).sentences]


def test_speaks_for_from_the_article_itself() -> None:
    # no one here is in the table: the article says whose president Wolkow is
    speech = one("„Wir weichen nicht zurück“, sagte Jelena Morosowa, Sprecherin von Präsident "
                 "Arkadi Wolkow. Im Juni hatte Russlands Präsident Arkadi Wolkow Minsk besucht.")
    assert speech[0] == Attribution("Jelena Morosowa", "Sprecherin von Präsident Arkadi Wolkow",
                                    ("RU",), "direct")
    assert speech[1] == ARTICLE


def test_a_surname_is_no_adjective() -> None:
    [a] = one("Drohungen häufen sich, sagte Oskar Deutsch, Präsident der Kultusgemeinde Wien.")
    assert (a.speaker, a.speaks_for) == ("Oskar Deutsch", ("AT",))


def test_observers_speak_for_no_one() -> None:
    [a] = one("Russland werde nicht nachgeben, sagte der Russland-Experte Hans Maier.")
    assert (a.speaker, a.role, a.speaks_for) == ("Hans Maier", "Russland-Experte", ())
    [a] = one("Ich wäre nicht die richtige Wahl, sagte der US-Republikaner Marco Rubio.")
    assert (a.speaker, a.speaks_for) == ("Marco Rubio", ())
    [a] = one("Man warte ab, sagte der US-Verteidigungsminister Lloyd Austin.")
    assert (a.speaker, a.speaks_for) == ("Lloyd Austin", ("US",))


@pytest.mark.parametrize(("text", "speaker", "kind"), [
    ("„Das ist falsch“, so Peskow.", "Peskow", "direct"),
    ("Das sei falsch, so Peskow weiter.", "Peskow", "reported"),
    ("Wie Peskow sagte, sei das falsch.", "Peskow", "reported"),
    ("Peskow zufolge ist das falsch.", "Peskow", "reported"),
    ("Nach Angaben von Peskow ist das falsch.", "Peskow", "reported"),
    ("Laut Medienberichten ist das falsch.", None, "reported"),  # no one named
    ("Nach einer Bilanz der Staatsanwaltschaft ist das falsch.", "Staatsanwaltschaft",
     "reported"),
    ("Das ist falsch, heißt es in einer Erklärung des Kremls.", "Kreml", "reported"),
    ("Dazu sagte Peskow: „Das ist falsch.“", "Peskow", "direct"),
    ("Peskow sagte: „Das ist falsch.“", "Peskow", "direct"),
    ("Peskow: „Das ist falsch.“", "Peskow", "direct"),
    ("Die Zahl ist „deutlich zu hoch“, sagte Peskow.", "Peskow", "reported"),
    ("Neue Smartphones verkündet Apple stets im Herbst.", "Apple", "reported"),  # object first
    ("Dem Magazin Time sagte Medwedew, das sei falsch.", "Medwedew", "reported"),  # dative
    ("Abschließend forderte Peskow, die Vorwürfe aufzuklären.", "Peskow", "reported"),
    ("Laut einem Medienbericht wollen die Banken ihre Pleite abwenden.", None, "reported"),
])
def test_german_frames(text: str, speaker: str | None, kind: str) -> None:
    [a] = one(text)
    assert (a.speaker, a.kind) == (speaker, kind)


@pytest.mark.parametrize(("text", "speaker", "kind"), [
    ('"That is false," Peskov said.', "Peskov", "direct"),
    ('Peskov said: "That is false."', "Peskov", "direct"),
    ("That is false, Peskov said.", "Peskov", "reported"),
    ("That is false, the Kremlin said in a statement.", "Kremlin", "reported"),
    ("The Pentagon said that the figure was too high.", "Pentagon", "reported"),
    ("US officials, speaking on condition of anonymity, said the troops had arrived.",
     "US officials", "reported"),
    ("As Peskov put it, that is false.", None, "article"),
    ("According to Peskov, that is false.", "Peskov", "reported"),
    ("The troops reportedly arrived on Monday.", None, "reported"),
])
def test_english_frames(text: str, speaker: str | None, kind: str) -> None:
    [a] = one(text, "en")
    assert (a.speaker, a.kind) == (speaker, kind)


def test_das_sagte_gives_the_quotation_before_its_speaker() -> None:
    speech = one("„Wir bleiben.“ Das sagte Peskow am Montag.")
    assert [(a.speaker, a.kind) for a in speech] == [("Peskow", "direct"), ("Peskow", "reported")]


def test_pronoun_takes_the_first_person_named_before() -> None:
    speech = one("Am Montag traf Sergej Lawrow seinen Kollegen. Er sagte, man sei sich einig.")
    assert (speech[1].speaker, speech[1].speaks_for) == ("Sergej Lawrow", ("RU",))


def test_a_new_spokesman_is_someone_new() -> None:
    speech = one("„Nein“, sagte Kremlsprecher Dmitri Peskow. „Ja“, sagte ein Sprecher der NATO.")
    assert [a.speaker for a in speech] == ["Dmitri Peskow", "Sprecher der NATO"]
    assert speech[1].speaks_for == ("NATO",)


def test_at_covers_a_range_of_sentences() -> None:
    paragraphs, speech = attributed(bundled_knowledge() / "nordkorea-soldaten-russland.yaml")
    austin = paragraphs[2].index("US-Verteidigungsminister")
    assert speech.at(2, austin, austin + 10).speaker == "Lloyd Austin"
    government = paragraphs[2].index("US-Regierung")
    assert speech.at(2, government, government + 5).speaker == "US-Regierung"
    # a range from an institution's sentence on to that of a person with a role speaking
    # for the same side is the person's: "die NATO …, erklärte NATO-Sprecherin X"
    assert speech.at(2, government, austin + 10).speaker == "Lloyd Austin"
    nato = paragraphs[2].index("Auch die NATO")
    assert speech.at(2, nato, len(paragraphs[2])).speaker == "Farah Dakhlallah"
    # a first speaker with a role keeps the range
    assert speech.at(3, 0, len(paragraphs[3])).speaker == "NIS"
    assert speech.at(9, 0, 50) == ARTICLE
    assert speech.at(99, 0, 10) == ARTICLE


def test_speaks_for_and_said_by() -> None:
    peskow = Attribution("Dmitri Peskow", "Sprecher von Präsident Wladimir Putin", ("RU",),
                         "direct")
    assert speaks_for(peskow, "RU") and not speaks_for(peskow, "US")
    assert said_by(peskow, "Peskow") and said_by(peskow, "Peskov")  # either spelling
    assert said_by(peskow, "Dmitry Peskov") and not said_by(peskow, "Putin")
    assert not said_by(ARTICLE, "Peskow")


def test_surnames_in_either_spelling() -> None:
    from bot.speakers import skeleton

    for german, english in [("Peskow", "Peskov"), ("Selenskyj", "Zelensky"),
                            ("Lawrow", "Lavrov"), ("Sacharowa", "Zakharova")]:
        assert skeleton(german) == skeleton(english)
    assert skeleton("Putin") != skeleton("Austin")


@given(st.lists(st.text(alphabet=st.sampled_from(list("abc XYZ„“\"»«‚‘:,.?!-'0123")),
                        max_size=80), max_size=4),
       st.sampled_from(["de", "en"]))
def test_any_text_gets_an_attribution_per_sentence(paragraphs: list[str], language: str) -> None:
    speech = attribute_article(paragraphs, language)
    for s in speech.sentences:
        assert s.attribution.kind in ("direct", "reported", "article")
        assert (s.attribution.kind == "article") <= (s.attribution.speaker is None)
        assert 0 <= s.span.start < s.span.end <= len(paragraphs[s.paragraph])


@pytest.mark.parametrize(("question", "language", "speakers"), [
    ("What does Russia say?", "en", ["offizielles Moskau", "Dmitri Peskow", "Dmitri Peskow"]),
    ("Was sagt Moskau?", "de", ["offizielles Moskau", "Dmitri Peskow", "Dmitri Peskow"]),
    ("What does the Kremlin say?", "en", ["offizielles Moskau", "Dmitri Peskow",
                                          "Dmitri Peskow"]),
    ("What does the US say?", "en", ["US-Regierung", "Lloyd Austin", "Pentagon und NATO",
                                     "Lloyd Austin"]),
    ("Was sagt die NATO?", "de", ["NATO", "Farah Dakhlallah", "Pentagon und NATO"]),
    ("Wie reagiert Südkorea?", "de", ["NIS", "NIS", "NIS", "NIS", "NIS",
                                      "Sprecher des südkoreanischen Präsidialamtes"]),
])
def test_statements_of_the_entity_asked(question: str, language: str,
                                        speakers: list[str]) -> None:
    """What the engine will rank first: the bundled article's statements by the entity a
    question asks about, or by those who speak for it."""
    from bot.entities import entity_asked

    key = entity_asked(question, language)
    assert key is not None
    _, speech = attributed(bundled_knowledge() / "nordkorea-soldaten-russland.yaml")
    assert [s.attribution.speaker for s in speech.sentences
            if speaks_for(s.attribution, key)] == speakers


def test_statements_of_a_person_asked() -> None:
    from bot.entities import person_asked

    _, speech = attributed(bundled_knowledge() / "nordkorea-soldaten-russland.yaml")
    for question in ("Was sagt Peskow?", "What did Peskov say?"):
        name = person_asked(question, "de")
        assert name is not None
        said = [s for s in speech.sentences if said_by(s.attribution, name)]
        assert [s.attribution.kind for s in said] == ["direct", "direct"]
