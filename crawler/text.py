"""Text out of HTML: clean strings, body paragraphs in order, images with their captions."""

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector, SelectorList

_SPACE = re.compile(r"\s+")
# Invisible characters that editors paste into Vietnamese text; they break matching and hashing.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None) -> str:
    """NFC, no invisible or control characters, white space collapsed and stripped."""
    if not value:
        return ""
    value = _CONTROL.sub(" ", _INVISIBLE.sub("", value))
    return _SPACE.sub(" ", unicodedata.normalize("NFC", value)).strip()


def text_of(sel: Selector | SelectorList | None) -> str:
    """The clean text of a selected element (the first of a list), or "" when there is none."""
    if sel is None:
        return ""
    return clean_text(sel.xpath("string()").get())


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


def _paragraph_texts(element: etree._Element) -> Iterator[str]:
    """Yield the text of each paragraph under ``element``, in document order."""
    buffer: list[str] = []

    def flush() -> Iterator[str]:
        parts = "".join(buffer).split(_LINE_BREAK)
        buffer.clear()
        yield from (text for text in map(clean_text, parts) if text)

    def walk(node: etree._Element) -> Iterator[str]:
        if node.text:
            buffer.append(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                buffer.append(" " if node.tag == "p" else _LINE_BREAK)
            elif tag in BLOCK_TAGS:
                yield from flush()
                yield from walk(child)
                yield from flush()
            elif tag and tag not in SKIPPED_TAGS:
                yield from walk(child)
            if child.tail:
                buffer.append(child.tail)

    yield from walk(element)
    yield from flush()


def paragraphs(container: Selector, drop: Sequence[str] = ()) -> list[str]:
    """The paragraphs of a body container, without the elements matched by ``drop`` (CSS).

    The container's tree is changed: call it once, on a selector of a page parsed for this use.
    """
    for css in drop:
        for unwanted in container.css(css):
            unwanted.drop()
    return list(_paragraph_texts(container.root))


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
            return urljoin(base_url, value)
    return None


def images(container: Selector, base_url: str, caption_css: Sequence[str]) -> list[Image]:
    """The images of a body container with their captions (credits kept), in order."""
    found: list[Image] = []
    seen: set[str] = set()
    for img in container.css("img"):
        url = _image_url(img, base_url)
        if not url or url in seen:
            continue
        seen.add(url)
        # The caption sits in the image's figure (or table.picture), never far above it.
        boxes = img.xpath("ancestor::figure[1] | ancestor::table[1]")
        captions = (text_of(box.css(css)[:1]) for box in boxes for css in caption_css)
        caption = next((c for c in captions if c), None)
        found.append(Image(url, caption))
    return found
