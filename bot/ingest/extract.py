"""HTML page -> Draft: the article text and its metadata, with trafilatura.

trafilatura drops navigation, ads, scripts, comments and boilerplate and returns the
main text as XML (`<head>` headings and `<p>` paragraphs), which keeps the paragraphs
and turns headings into sections. Metadata: title, date, outlet (site name), author and
the canonical URL. The date is only taken from the page's own metadata and markup
(no guessing from the body text): a page without one gets no date. For a fetched page the
address it came from decides the site (`site.py`): its canonical URL is kept only on the
same site, and an outlet name that does not fit the host is shown with the host.
"""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree

from bot.analysis import LANGUAGES
from bot.ingest.draft import Draft
from bot.ingest.errors import ExtractError
from bot.ingest.site import host_of, outlet, same_site
from bot.models import Paragraph

MIN_TEXT = 200  # characters of body text below which a page is no article
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


def extract(html: bytes | str, url: str | None = None, origin: str = "") -> Draft:
    """The article in `html` (fetched from `url`, if any); raises ExtractError."""
    import trafilatura

    origin = origin or url or "the page"
    xml = trafilatura.extract(
        html,
        url=url,
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        date_extraction_params=dict(_DATE_PARAMS),
    )
    if not xml:
        raise ExtractError(f"{origin}: found no article text; is it a news article page?")
    doc = etree.fromstring(xml.encode("utf-8"))
    title = _clean(doc.get("title") or "")
    paragraphs = _paragraphs(doc, title)
    if not title:
        raise ExtractError(f"{origin}: the page has no title; save it and add the file with one")
    if sum(len(p.text) for p in paragraphs) < MIN_TEXT:
        raise ExtractError(
            f"{origin}: found less than {MIN_TEXT} characters of article text; "
            "is it a news article page?"
        )
    site = _clean(doc.get("sitename") or "")
    canonical = _canonical(doc.get("url"), url)
    return Draft(
        title=_strip_outlet(title, site),
        paragraphs=paragraphs,
        language=page_language(html, origin),
        published=_date(doc.get("date")),
        updated=_updated(html, _date(doc.get("date"))),
        source=_source(site, url, canonical),
        url=canonical,
        author=_clean(doc.get("author") or "") or None,
        origin=origin,
    )


def _paragraphs(doc: etree._Element, title: str) -> tuple[Paragraph, ...]:
    """The body's paragraphs, each under the last heading before it."""
    main = doc.find("main")
    out: list[Paragraph] = []
    section: str | None = None
    for element in main if main is not None else ():
        tag = element.tag
        if tag == "head":
            heading = _clean("".join(element.itertext()))
            if heading and heading != title:
                section = heading
            continue
        items = element.findall("item") if tag == "list" else [element]
        for item in items:
            text = _clean("".join(item.itertext()))
            if text:
                out.append(Paragraph(text, section))
    return tuple(out)


def page_language(html: bytes | str, origin: str = "") -> str | None:
    """The language the page declares (`<html lang>`), None if none; refuses others."""
    head = html[:8192].encode("utf-8", "replace") if isinstance(html, str) else html[:8192]
    match = _LANG.search(head)
    if match is None:
        return None
    code = match.group(1).decode("ascii").lower()
    if code not in LANGUAGES:
        raise ExtractError(
            f"{origin}: the page is in language {code!r}; newsbot reads "
            f"{' and '.join(LANGUAGES)} articles only"
        )
    return code


def _updated(html: bytes | str, published: dt.date | None) -> dt.date | None:
    """The last-modified date the page declares, if later than `published`."""
    if published is None:
        return None
    try:
        from htmldate import find_date

        found = find_date(html, original_date=False, extensive_search=False)
    except Exception:  # htmldate is best effort; a page without it is fine
        return None
    date = _date(found)
    return date if date and date > published else None


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _strip_outlet(title: str, site: str) -> str:
    """'Headline | Outlet' -> 'Headline'."""
    if site:
        for sep in (" | ", " - ", " – ", " — ", " · "):
            if title.endswith(sep + site) and len(title) > len(sep + site):
                return title[: -len(sep + site)].strip()
    return title


def _source(site: str, fetched: str | None, canonical: str | None) -> str | None:
    """The outlet: for a fetched page as `site.outlet` shows it; for a saved one its site
    name, else the host of its canonical URL."""
    if fetched:
        return outlet(site, fetched)
    return (site if ":" not in site else "") or host_of(canonical) or None


def _canonical(claimed: str | None, fetched: str | None) -> str | None:
    """The page's canonical URL if it is on the site it was fetched from, else that
    address; a saved page (nothing fetched) has only its own word."""
    claimed = claimed if claimed and claimed.startswith(("http://", "https://")) else None
    if fetched is None:
        return claimed
    if claimed and same_site(claimed, fetched):
        return claimed
    return fetched if fetched.startswith(("http://", "https://")) else None
