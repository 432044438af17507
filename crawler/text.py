"""Text out of HTML: clean strings, body paragraphs in order, images with their captions."""

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

import lxml.html
from lxml import etree
from parsel import Selector, SelectorList

_SPACE = re.compile(r"\s+")
# Invisible characters that editors paste into Vietnamese text; they break matching and hashing.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# C0 but for white space, DEL, and C1 (mojibake of windows-125x text brings them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# Control characters in a page: C0 but for tab, line feed and carriage return, DEL, C1, and
# U+FFFE, U+FFFF. lxml's HTML parser keeps the C0 ones and U+FFFE/U+FFFF in text and attribute
# names, then raises ValueError when the tree is changed there (an element dropped) or the
# attributes are read. Trafilatura drops DEL and C1 where clean_text makes them spaces: "<\x7f/p>",
# text to the parser, would be "</p>" in the body. They are replaced in the UTF-8 bytes the
# parser reads: a regular expression over the text costs as much as the parse on a large page.
# C0 and DEL bytes never occur inside a UTF-8 sequence, so a byte table replaces them.
_BYTE_CONTROL = bytes.maketrans(
    bytes([*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]), b" " * 29
)
_C1 = re.compile(b"\xc2[\x80-\x9f]")  # U+0080-U+009F
_NONCHARACTER = re.compile(b"\xef\xbf[\xbe\xbf]")  # U+FFFE, U+FFFF
# What is white space once the control characters are spaces and NUL is gone: stripped from
# the page's ends, as parsel strips the text it parses.
_EDGE = "".join(
    [chr(c) for c in range(0x3001) if chr(c).isspace()]
    + [chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF)]
)


def parse_html(html: str) -> Selector:
    """The page parsed, once, for every reader of it (the site parser, the generic extractor,
    trafilatura on a copy).

    NUL is dropped and the other control characters (Word's \\x0b line break, say) made
    spaces, as clean_text makes them; a tag cut short at the page's end (a truncated download)
    is dropped, as the parser would keep it as text. The tree is lxml.html's, as parsel makes
    it, but for the element classes: found in C, not by lxml.html's lookup, which runs Python
    for each element touched; no reader uses the form elements' own methods.
    """
    html = html.strip(_EDGE)
    cut = html.rfind("<")
    if cut >= 0 and ">" not in html[cut:]:
        html = html[:cut].rstrip(_EDGE)
    data = html.encode("utf-8").translate(_BYTE_CONTROL, b"\x00")
    for lead, sequence in ((b"\xc2", _C1), (b"\xef", _NONCHARACTER)):
        if _holds(data, lead, sequence):
            data = sequence.sub(b" ", data)
    parser = lxml.html.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    parser.set_element_class_lookup(_ELEMENT_CLASSES)
    root = etree.fromstring(data or b"<html/>", parser=parser)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=parser)
    return Selector(root=root, type="html")


def _holds(data: bytes, lead: bytes, sequence: re.Pattern[bytes]) -> bool:
    """Whether the sequence, which starts with the byte ``lead``, is in the data. Its lead byte
    is rare in a Vietnamese page, and a search for one byte is far quicker than a regular
    expression's or a longer substring's over the whole page."""
    at = data.find(lead)
    while at >= 0:
        if sequence.match(data, at):
            return True
        at = data.find(lead, at + 1)
    return False


_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


# White space but the space, as the inside of a character class: what "[^\\S ]" matches.
_SPACES_BUT_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
# What clean_text changes inside a text besides its ends, but for two spaces in a row: most texts
# hold none of it, and one search costs less than the replacements. One character class: an
# alternation ("[...]|[^\\S ]|  ") costs twice as much a character.
_UNCLEAN = re.compile(
    f"[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SPACES_BUT_SPACE}]"
)


def clean_text(value: str | None) -> str:
    """NFC, no invisible or control characters, white space collapsed and stripped."""
    if not value:
        return ""
    # White space at the ends stays at the ends through every step below, to be stripped: done
    # first, it lets the many texts padded with line breaks take the fast path.
    value = value.strip()
    if (
        "  " not in value
        and _UNCLEAN.search(value) is None
        and unicodedata.is_normalized("NFC", value)
    ):
        return value
    value = _CONTROL.sub(" ", _INVISIBLE.sub("", value))
    return _SPACE.sub(" ", unicodedata.normalize("NFC", value)).strip()


# XPath's normalize-space() splits a value at these only.
_XML_SPACE = str.maketrans("\t\n\r", "   ")


def xpath_tokens(value: str) -> set[str]:
    """The words of a class or itemprop value as a selector matches them (CSS ``.name``, XPath
    ``contains(concat(' ', normalize-space(@class), ' '), ' name ')``): split at XML white space
    only, not at a no-break space."""
    return set(value.translate(_XML_SPACE).split(" "))


def text_of(sel: Selector | SelectorList | None) -> str:
    """The clean text of a selected element (the first of a list), or "" when there is none."""
    if isinstance(sel, SelectorList):
        sel = sel[0] if sel else None
    if sel is None:
        return ""
    if isinstance(sel.root, etree._Element):
        return clean_text(element_text(sel.root))
    return clean_text(sel.xpath("string()").get())


# Compiled once: Element.xpath() compiles its expression at every call.
_STRING = etree.XPath("string()")
_SHOWN_TEXTS = etree.XPath(".//text()[not(ancestor::script or ancestor::style)]")


def element_text(element: etree._Element) -> str:
    """An element's text, less that of the scripts and styles inside it (code, never shown)."""
    if next(element.iterdescendants("script", "style"), None) is None:
        return _STRING(element)
    return "".join(_SHOWN_TEXTS(element))


# Elements whose text is never article prose.
SKIPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "svg", "button", "form",
        "input", "select", "textarea", "figure", "figcaption", "picture", "video", "audio",
        "object", "embed", "canvas", "map", "nav", "aside",
    }
)  # fmt: skip
# Elements that start a new paragraph; everything else is inline.
BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "main", "blockquote", "pre",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table",
        "thead", "tbody", "tr", "td", "th", "hr", "center",
    }
)  # fmt: skip


_LINE_BREAK = "\x00"  # a <br> outside a <p>: editors use <br><br> between paragraphs there


def _paragraph_texts(element: etree._Element, skipped: Set[etree._Element]) -> Iterator[str]:
    """Yield the text of each paragraph under ``element``, in document order, leaving out the
    ``skipped`` elements but not the text that follows them (as if dropped with drop_tree).

    The tree is walked with a stack of its own, not by recursion: a page of a thousand nested
    elements is as readable as any other.
    """
    buffer: list[str] = []

    def flush() -> Iterator[str]:
        parts = "".join(buffer).split(_LINE_BREAK)
        buffer.clear()
        yield from (text for text in map(clean_text, parts) if text)

    # What is left to do, last first: ("walk", element), ("text", string) or ("flush", None).
    todo: list[tuple[str, etree._Element | str | None]] = [("walk", element)]
    while todo:
        action, item = todo.pop()
        if action == "text":
            buffer.append(item)
        elif action == "flush":
            yield from flush()
        else:
            node = item
            if node.text:
                buffer.append(node.text)
            steps: list[tuple[str, etree._Element | str | None]] = []
            for child in node:
                tag = child.tag if isinstance(child.tag, str) else ""
                if child in skipped:
                    pass
                elif tag == "br":
                    steps.append(("text", " " if node.tag == "p" else _LINE_BREAK))
                elif tag in BLOCK_TAGS:
                    steps += [("flush", None), ("walk", child), ("flush", None)]
                elif tag and tag not in SKIPPED_TAGS:
                    steps.append(("walk", child))
                if child.tail:
                    steps.append(("text", child.tail))
            todo.extend(reversed(steps))
    yield from flush()


def paragraphs(
    container: Selector, drop: Sequence[str] = (), skip: Iterable[etree._Element] = ()
) -> list[str]:
    """The paragraphs of a body container, without the elements matched by ``drop`` (CSS) nor
    the ``skip`` elements; the text after them stays. The tree is not changed: the generic
    extractor may read the same page after a site's parser."""
    skipped = set(skip)
    if drop:
        # One search for all of them: the union is all that is wanted.
        skipped.update(unwanted.root for unwanted in container.css(", ".join(drop)))
    skipped.discard(container.root)
    return list(_paragraph_texts(container.root, skipped))


def _inside(element: etree._Element, skipped: Set[etree._Element]) -> bool:
    return bool(skipped) and (
        element in skipped or any(a in skipped for a in element.iterancestors())
    )


def _text_skipping(element: etree._Element, skipped: Set[etree._Element]) -> str:
    """element_text without the ``skipped`` elements inside (the text after each kept)."""
    if not any(e in skipped for e in element.iterdescendants()):
        return element_text(element)
    kept = []
    for text in element.xpath(".//text()[not(ancestor::script or ancestor::style)]"):
        owner = text.getparent()
        if not _inside(owner.getparent() if text.is_tail else owner, skipped):
            kept.append(text)
    return "".join(kept)


@dataclass(frozen=True)
class Image:
    url: str
    caption: str | None


_PLACEHOLDER = re.compile(r"(^data:|grey\.gif|blank\.gif|placeholder|1x1\.)", re.IGNORECASE)
_IMAGE_SOURCE_ATTRS = ("data-src", "data-original", "data-lazy-src", "src")


def _image_url(img: Selector, base_url: str) -> str | None:
    for attr in _IMAGE_SOURCE_ATTRS:
        value = (img.attrib.get(attr) or "").strip()
        if value and not _PLACEHOLDER.search(value):
            return absolute_url(base_url, value)
    return None


_URL_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# An absolute http(s) href that urljoin and urlsplit give back as it is, whatever the base:
# no port, credentials, parameters, fragment, empty query, space nor control character (each of
# which they may rewrite or refuse). Most links of a page are such; they skip both.
_PLAIN_ABSOLUTE = re.compile(
    r"https?://[A-Za-z0-9.-]+(?:/[^\x00-\x20\x7f-\x9f?#;]*)?(?:\?[^\x00-\x20\x7f-\x9f#]+)?"
)


def absolute_url(base_url: str, href: str | None) -> str | None:
    """``href`` resolved against ``base_url`` when that is an http(s) URL, else None.

    A broken href ("http://[::1" makes urljoin raise) or another scheme (javascript:, data:,
    ftp:) is None; control characters are percent-encoded, as browsers do.
    """
    if not href or not href.strip():
        return None
    if _PLAIN_ABSOLUTE.fullmatch(href.strip()):
        return href.strip()
    try:
        url = urljoin(base_url, href.strip())
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return _URL_CONTROL.sub(lambda m: quote(m.group()), url)


def images(
    container: Selector,
    base_url: str,
    caption_css: Sequence[str],
    skip: Iterable[etree._Element] = (),
) -> list[Image]:
    """The images of a body container with their captions (credits kept), in order; none from
    inside the ``skip`` elements, which no caption is read from either."""
    skipped = set(skip)
    found: list[Image] = []
    seen: set[str] = set()
    for img in container.css("img"):
        if _inside(img.root, skipped):
            continue
        url = _image_url(img, base_url)
        if not url or url in seen:
            continue
        seen.add(url)
        # The caption sits in the image's figure (or table.picture), never far above it.
        boxes = img.xpath("ancestor::figure[1] | ancestor::table[1]")
        captions = (
            clean_text(_text_skipping(c.root, skipped))
            for box in boxes
            for css in caption_css
            for c in [c for c in box.css(css) if not _inside(c.root, skipped)][:1]
        )
        caption = next((c for c in captions if c), None)
        found.append(Image(url, caption))
    return found
