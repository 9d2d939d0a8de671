"""A fax header block (To / From / Fax / Pages / Date / Re, a machine's banner) atop a page.

A page that is mostly the header block is a cover sheet. A page whose header block sits above other
content (lab results, a records request) is that content's document; the block only tells who sent
it. ``split_fax_header`` separates the two so each can be read on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recordroom.core.text import fold

# A line of a fax header block: a field label of the block, the word "fax" alone (a title), or a
# fax machine's banner ("03/14/2026 10:22  FROM: 555-123-4567  TO: …  P.001/004").
_HEADER_LINE = re.compile(
    r"^\W*(?:"
    r"(?:confidential\s+)?(?:fax|facsimile|telefax)(?:\s+(?:cover|transmittal|transmission)"
    r"(?:\s+(?:sheet|page|form))?)?\W*$"
    r"|(?:to|from|attn|attention|recipient|sender|company|organi[sz]ation"
    r"|fax|fax\s*(?:#|no\.?|number)|phone|tel|telephone|date|time"
    r"|pages?|number of pages|no\.? of pages|total pages|re|subject|cc"
    r"|para|de|fecha|paginas|asunto|remitente|destinatario|telefono)\s*(?:#|no\.?)?\s*:"
    r"|\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\s+\d{1,2}:\d{2}.*\b(?:from|to|p\.?\s*\d|page)\b"
    r")",
    re.IGNORECASE,
)
COVER_TYPE = "fax_cover_sheet"
HEADER_SEARCH_LINES = 14  # the block sits at the top: look no further down for its first line
# Content enough to be a document of its own under the block: words, or lines (a lab grid is
# mostly numbers). Less than both, and the page is the block and its message: a cover sheet.
CONTENT_WORDS = 40
CONTENT_LINES = 6


@dataclass(frozen=True, slots=True)
class FaxHeader:
    header: str  # the block's lines ("" when the page has none)
    rest: str  # everything else on the page

    @property
    def rest_words(self) -> int:
        return len(re.findall(r"[^\W\d_]{2,}", self.rest))

    @property
    def rest_lines(self) -> int:
        return sum(1 for line in self.rest.splitlines() if len(line.split()) >= 2)


def split_fax_header(text: str) -> FaxHeader:
    """The fax header block at the top of ``text`` (at least two of its lines among the top
    lines, blank lines and the practice's letterhead in between allowed) and the rest."""
    lines = text.splitlines()
    header_rows = [
        index
        for index, line in enumerate(lines[:HEADER_SEARCH_LINES])
        if line.strip() and _HEADER_LINE.search(fold(line))
    ]
    if len(header_rows) < 2:
        return FaxHeader("", text)
    last = header_rows[-1]
    # Continue the block over the lines right after it that are still header lines.
    while last + 1 < len(lines) and (
        not lines[last + 1].strip() or _HEADER_LINE.search(fold(lines[last + 1]))
    ):
        last += 1
    header = "\n".join(lines[: last + 1])
    rest = "\n".join(lines[last + 1 :])
    return FaxHeader(header, rest)


# What only a cover sheet carries in or near its block: a title saying so, a count of pages that
# includes a cover, the urgency boxes, a message field, the confidentiality notice.
_COVER_MARKS = re.compile(
    r"\b(?:including|incl\.?|with) (?:this )?(?:cover|portada)\b|\bincluida la portada\b"
    r"|\burgent\b.{0,40}\bfor review\b|\burgente\b.{0,40}\bpara revisar\b"
    r"|\bplease (?:comment|reply|recycle)\b|\b(?:message|mensaje|comments?)\s*:"
    r"|\bconfidential(?:ity)? notice\b|\baviso de confidencialidad\b"
    r"|\bcontains (?:privileged|confidential)\b|\breceived (?:this|it)? ?in error\b"
    r"|\b(?:fax|facsimile) (?:cover|transmittal)\b|\bcover (?:sheet|page)\b"
    r"|\b(?:portada|caratula) de(?:l)? (?:fax|facsimil)\b"
)
COVER_MARK_LINES = 8  # the marks count in the block and this many lines under it


def content_below_header(text: str) -> str | None:
    """The content under a fax header block, when the page has both, the content is more than
    a cover's message and nothing in or near the block marks the page as a cover; else None."""
    parts = split_fax_header(text)
    if not parts.header or (parts.rest_words < CONTENT_WORDS and parts.rest_lines < CONTENT_LINES):
        return None
    near = [line for line in parts.rest.splitlines() if line.strip()][:COVER_MARK_LINES]
    # Joined into one line: narrow columns wrap "Pages (including\ncover)".
    if _COVER_MARKS.search(fold(" ".join(" ".join([parts.header, *near]).split()))):
        return None
    return parts.rest
