"""Anki's field HTML as Markdown: the few tags a card's text is made of (line and
paragraph breaks, bold, italics, code, lists, links), entities decoded, every other
tag dropped with its text kept. Media cannot come along: an image or a sound is
replaced by a note naming it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*"}
_DROPPED = {"script", "style", "head", "title"}
_SOUND = re.compile(r"\[sound:([^\]]*)\]")
# Characters Markdown would read as markup where Anki meant them as text.
_MARKUP = re.compile(r"([\\`*_\[\]<>])")
# ... and what it would read as a heading, a quote or a list at the start of a line.
_LINE_START_MARKUP = re.compile(r"^([#>+-]|\d+[.)])(?=\s|$)")
_HARD_BREAK = "\\\n"


def media_note(name: str) -> str:
    return f"(media skipped: {name.strip() or 'unnamed'})"


def html_to_markdown(html: str) -> str:
    """The Markdown of one field; blank when the field holds only whitespace."""
    converter = _Converter()
    converter.feed(_SOUND.sub(lambda match: f"<prep-media name='{match[1]}'>", html))
    converter.close()
    return converter.markdown()


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._lists: list[list[int]] = []  # per open list: [next number], or [] when bulleted
        self._links: list[str | None] = []
        self._pre = 0
        self._code = 0  # inside inline code: taken as written, where an escape would show
        self._dropped = 0

    # -- the parser's callbacks ---------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in _DROPPED:
            self._dropped += 1
        elif tag == "prep-media":
            self._text(media_note(found.get("name") or ""), raw=True)
        elif tag == "img" or (tag in ("audio", "video", "source") and found.get("src")):
            self._text(media_note(found.get("src") or ""), raw=True)
        elif tag == "br":
            if self._pre:
                self._out.append("\n")
            else:
                self._trim()
                self._out.append(_HARD_BREAK)
        elif tag == "pre":
            self._block()
            self._out.append("```\n")
            self._pre += 1
        elif tag == "code" and not self._pre:
            self._out.append("`")
            self._code += 1
        elif tag in _EMPHASIS and not self._pre:
            self._out.append(_EMPHASIS[tag])
        elif tag in ("ul", "ol"):
            self._block()
            self._lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            self._line()
            indent = "  " * max(0, len(self._lists) - 1)
            numbering = self._lists[-1] if self._lists else []
            if numbering:
                self._out.append(f"{indent}{numbering[0]}. ")
                numbering[0] += 1
            else:
                self._out.append(f"{indent}- ")
        elif tag == "a":
            self._links.append(found.get("href"))
            self._out.append("[")
        elif tag in _BLOCKS:
            self._block()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropped = max(0, self._dropped - 1)
        elif tag == "pre" and self._pre:
            self._pre -= 1
            if not "".join(self._out[-1:]).endswith("\n"):
                self._out.append("\n")
            self._out.append("```")
            self._block()
        elif tag == "code" and self._code:
            self._out.append("`")
            self._code -= 1
        elif tag in _EMPHASIS and not self._pre:
            self._out.append(_EMPHASIS[tag])
        elif tag in ("ul", "ol"):
            if self._lists:
                self._lists.pop()
            self._block()
        elif tag == "a" and self._links:
            href = self._links.pop()
            self._out.append(f"]({href})" if href else "]")
        elif tag in _BLOCKS:
            self._block()

    def handle_data(self, data: str) -> None:
        if self._dropped:
            return
        if self._pre:
            self._out.append(data)
            return
        self._text(re.sub(r"\s+", " ", data), raw=bool(self._code))

    # -- building the text --------------------------------------------------------------

    def _at_line_start(self) -> bool:
        return not self._out or self._out[-1].endswith("\n")

    def _text(self, text: str, raw: bool = False) -> None:
        if self._at_line_start():
            text = text.lstrip(" ")
        if not raw:
            text = _MARKUP.sub(r"\\\1", text)
            if self._at_line_start():
                text = _LINE_START_MARKUP.sub(r"\\\1", text)
        if text:
            self._out.append(text)

    def _trim(self) -> None:
        """No space before a break: Markdown would keep it, and YAML cannot end a line with it."""
        if self._out:
            self._out[-1] = self._out[-1].rstrip(" ")

    def _line(self) -> None:
        self._trim()
        self._out.append("\n")

    def _block(self) -> None:
        self._trim()
        self._out.append("\n\n")

    def markdown(self) -> str:
        text = "".join(self._out)
        # A break at the end of a paragraph breaks nothing; two in a row are a paragraph.
        text = re.sub(r"(?:\\\n){2,}", "\n\n", text)
        text = re.sub(r"\\\n(?=\n)", "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text).strip()
        return text[:-1].rstrip() if text.endswith("\\") and not text.endswith("\\\\") else text
