"""Related-links blocks ("Nổi bật", "Đừng bỏ lỡ", "Tin liên quan", ...), found by their heading.

Headings are the one thing such blocks share across sites and redesigns; their classes are not.
A block is the links that follow its heading inside the nearest ancestor holding links, up to
the next heading.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from crawler.text import absolute_url, clean_text, element_text

DEFAULT_HEADINGS = (
    "Nổi bật",
    "Tin nổi bật",
    "Đừng bỏ lỡ",
    "Tin liên quan",
    "Bài liên quan",
    "Bài viết liên quan",
    "Tin bài liên quan",
    "Đọc thêm",
    "Xem thêm",
    "Tin cùng chuyên mục",
    "Cùng chuyên mục",
    "Tin khác",
    "Các tin khác",
    "Có thể bạn quan tâm",
    "Đọc nhiều",
    "Xem nhiều",
    "Tin mới",
    "Tin mới nhất",
    "Mới nhất",
)

# A heading is short; a longer text that merely starts with "Xem thêm" is prose.
_MAX_HEADING_CHARS = 40
# Chrome whose headings are menus, not blocks of an article.
_CHROME_TAGS = frozenset({"nav", "header", "footer", "menu", "form", "select", "option"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


BOX_NAME = "Tin liên quan"


@dataclass
class RelatedBlock:
    name: str
    links: list[dict[str, str]]
    element: etree._Element = field(repr=False, compare=False)
    # Further boxes merged into this block (they leave the body too).
    extra_elements: list[etree._Element] = field(default_factory=list, repr=False, compare=False)

    @property
    def elements(self) -> list[etree._Element]:
        return [self.element, *self.extra_elements]

    def as_dict(self) -> dict:
        return {"name": self.name, "links": self.links}


def _heading_key(text: str) -> str:
    return clean_text(text).rstrip(" :").casefold()


def _is_title(el: etree._Element) -> bool:
    classes = (el.get("class") or "").lower()
    return el.tag in _HEADING_TAGS or "title" in classes or "head" in classes


def _is_heading(el: etree._Element, wanted: set[str]) -> bool:
    text = clean_text(el.text_content())
    if len(text) > _MAX_HEADING_CHARS or _heading_key(text) not in wanted:
        return False
    # Elements found by tag in C: an ElementPath search or a test of each in Python costs more.
    if next(el.iterancestors(*_CHROME_TAGS), None) is not None:
        return False
    is_link = el.tag == "a" or next(el.iterdescendants("a"), None) is not None
    if is_link or next(el.iterancestors("a"), None) is not None:
        # A link reading "Xem thêm" is a menu item or a "more" button, unless it titles a block.
        return any(_is_title(node) for node in (el, el.getparent()) if node is not None)
    return True


def _outermost_headings(root: etree._Element, wanted: set[str]) -> list[etree._Element]:
    """Heading elements in page order, the outermost of nested ones (<h3><span>X</span></h3>).

    Candidates are the elements' first texts (before any child), read in one walk of the page;
    most are prose or blank, too long or too short to be a heading, and cheap to rule out.
    """
    # The whole page, whatever element ``root`` is: the search always covered the document.
    page = root.getroottree().getroot()
    limit = _MAX_HEADING_CHARS
    # An ASCII text's key is ASCII (clean_text, NFC and casefold keep ASCII so): when no heading
    # is, as none of the Vietnamese ones is, such a text is ruled out by one test in C.
    ascii_wanted = any(key.isascii() for key in wanted)
    # Whether a text is a heading, by text: menus and boxes repeat theirs on a page.
    is_wanted: dict[str, bool] = {}
    found: list[etree._Element] = []
    for el in page.iter(etree.Element):
        text = el.text
        if not text or (len(text) > limit and len(text.strip()) > limit):
            continue
        if not ascii_wanted and text.isascii():
            continue
        if text not in is_wanted:
            stripped = text.strip()
            is_wanted[text] = bool(stripped) and _heading_key(stripped) in wanted
        if not is_wanted[text]:
            continue
        while (parent := el.getparent()) is not None and _heading_key(
            parent.text_content()
        ) in wanted:
            el = parent
        if el not in found and _is_heading(el, wanted):
            found.append(el)
    return found


def titled_links(anchors: Iterable[etree._Element], base_url: str) -> list[dict[str, str]]:
    """Absolute URLs with their titles, first of each URL kept, untitled and script links not."""
    links: list[dict[str, str]] = []
    seen: set[str] = set()
    for anchor in anchors:
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        title = clean_text(element_text(anchor)) or clean_text(anchor.get("title"))
        url = absolute_url(base_url, href)
        if not title or not url or url in seen:
            continue
        seen.add(url)
        links.append({"url": url, "title": title})
    return links


def _block_links(
    heading: etree._Element, headings: list[etree._Element], base_url: str
) -> tuple[etree._Element | None, list[dict[str, str]]]:
    """The container of the heading's block and its links (absolute, deduplicated, titled)."""
    others = [h for h in headings if h is not heading]
    node = heading
    for _ in range(8):
        container = node.getparent()
        if container is None:
            return None, []
        anchors = [
            a for a in container.iter("a") if heading not in a.iterancestors() and a is not heading
        ]
        if anchors:
            break
        node = container
    else:
        return None, []

    # Keep the anchors after this heading and before the next one, in document order.
    order = {el: i for i, el in enumerate(container.iter())}
    start = order[heading]
    stops = [order[h] for h in others if h in order and order[h] > start]
    stop = min(stops, default=len(order))
    anchors = [a for a in anchors if start < order[a] < stop]

    links = titled_links(anchors, base_url)
    return container, links


def _box_block(box: etree._Element, base_url: str) -> RelatedBlock | None:
    """A related box found by its markup: named by its own heading, else "Tin liên quan"."""
    heading = next(
        (
            el
            for el in box.iter(etree.Element)
            if el is not box
            and (el.tag in _HEADING_TAGS or "title" in (el.get("class") or ""))
            and next(el.iterdescendants("a"), None) is None
            and 0 < len(clean_text(el.text_content())) <= _MAX_HEADING_CHARS
        ),
        None,
    )
    anchors = [box] if box.tag == "a" else list(box.iter("a"))
    links = titled_links(anchors, base_url)
    if not links:
        return None
    name = clean_text(element_text(heading)).rstrip(" :") if heading is not None else BOX_NAME
    return RelatedBlock(name, links, box)


def page_position(element: etree._Element) -> list[int]:
    """An element's place in its document, as the index of it and of each ancestor among its
    siblings, outermost first: these sort in page order (an ancestor first), and take a few
    steps, where counting the elements before it walks the page."""
    position = []
    parent = element.getparent()
    while parent is not None:
        position.append(parent.index(element))
        element, parent = parent, parent.getparent()
    position.reverse()
    return position


def in_page_order(blocks: list[RelatedBlock]) -> list[RelatedBlock]:
    """The blocks sorted by where their element sits in the page."""
    return sorted(blocks, key=lambda block: page_position(block.element))


def find_related_blocks(
    root: etree._Element,
    base_url: str,
    headings: Iterable[str] = DEFAULT_HEADINGS,
    boxes: Iterable[etree._Element] = (),
) -> list[RelatedBlock]:
    """The related-links blocks of a page, in page order; a heading without links is no block.

    ``boxes`` are related boxes known by their markup; boxes of one name are merged into one
    block (a CMS that prints each related link as its own box means one list).
    """
    wanted = {_heading_key(h) for h in headings}
    heading_elements = _outermost_headings(root, wanted)
    blocks = []
    for heading in heading_elements:
        container, links = _block_links(heading, heading_elements, base_url)
        if links:
            blocks.append(
                RelatedBlock(clean_text(heading.text_content()).rstrip(" :"), links, container)
            )
    by_name: dict[str, RelatedBlock] = {}
    for box in boxes:
        if any(
            box is b.element or b.element in box.iterancestors() or box in b.element.iterancestors()
            for b in blocks
        ):
            continue
        block = _box_block(box, base_url)
        if block is None:
            continue
        if block.name in by_name:
            merged = by_name[block.name]
            known = {link["url"] for link in merged.links}
            merged.links.extend(link for link in block.links if link["url"] not in known)
            merged.extra_elements.append(box)
        else:
            by_name[block.name] = block
            blocks.append(block)
    return in_page_order(blocks) if by_name else blocks
