"""Reading one YAML file into a node tree (with line marks) and Python data.

The safe loader only (the C one when present): content is untrusted and a
YAML tag must never construct an arbitrary object.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from prep.content.errors import ContentError

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 8 * 1024 * 1024
# Aliases let a small file describe a huge document ("billion laughs") or a
# document that contains itself: both are refused before anything expands them.
MAX_EXPANDED_NODES = 200_000
MAX_DEPTH = 64


@dataclass(frozen=True)
class YamlDocument:
    root: Node
    data: Any


def line_of(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _line_at_byte(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_yaml(path: Path) -> YamlDocument | ContentError:
    """Parse ``path``; any problem comes back as one error with its line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ContentError(path, 1, f"cannot read file: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:
        return ContentError(path, 1, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    nul = raw.find(b"\x00")
    if nul >= 0:
        return ContentError(
            path, _line_at_byte(raw, nul), "binary data (NUL byte): not a YAML text file"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = _line_at_byte(raw, exc.start)
        return ContentError(
            path, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be decoded)"
        )
    if not text.strip():
        return ContentError(path, 1, "file is empty: expected a deck (deck, title, cards)")

    loader = SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return ContentError(
                path, 1, "file holds no YAML document: expected a deck (deck, title, cards)"
            )
        shape_problem = _expansion_problem(root)
        if shape_problem is not None:
            return ContentError(path, shape_problem[0], shape_problem[1])
        duplicate = _find_duplicate_key(root)
        if duplicate is not None:
            return ContentError(path, duplicate[0], duplicate[1])
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        return _yaml_error(path, exc, text)
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 1
        return ContentError(path, line, f"invalid YAML: {_one_line(str(exc))}")
    finally:
        loader.dispose()
    return YamlDocument(root=root, data=data)


def _yaml_error(path: Path, exc: yaml.MarkedYAMLError, text: str) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    line = int(mark.line) + 1 if mark is not None else 1
    problem = exc.problem or "invalid YAML"
    at_tab = mark is not None and text[mark.index : mark.index + 1] == "\t"
    if at_tab or "tab" in problem:
        return ContentError(path, line, "tab character: YAML is indented with spaces, never tabs")
    context = f" ({_one_line(exc.context)})" if exc.context else ""
    return ContentError(path, line, f"invalid YAML: {_one_line(problem)}{context}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _expansion_problem(root: Node) -> tuple[int, str] | None:
    """(line, message) when the document, with its aliases expanded, would be
    cyclic, nested too deeply or too large; sizes are counted once per shared node."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    # An explicit stack (no recursion): (node, depth, children done?).
    stack: list[tuple[Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_EXPANDED_NODES:
                return line_of(node), (
                    f"YAML aliases expand this document past {MAX_EXPANDED_NODES:,} values: "
                    "refused (write the values out, or use fewer aliases)"
                )
            continue
        if key in sizes:
            continue
        if key in on_path:
            return line_of(node), "a YAML alias refers to the value that contains it: refused"
        if depth > MAX_DEPTH:
            return line_of(node), f"values nested more than {MAX_DEPTH} levels deep: refused"
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node))
    return None


def _find_duplicate_key(node: Node) -> tuple[int, str] | None:
    """PyYAML keeps the last of two equal keys silently; an author never means that."""
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, ScalarNode):
                    if key.value in seen:
                        first = seen[key.value]
                        return line_of(key), f"duplicate key '{key.value}' (first at line {first})"
                    seen[key.value] = line_of(key)
                stack.append(value)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
    return None
