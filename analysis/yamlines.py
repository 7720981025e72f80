"""YAML with line numbers: the parsed document and the file line of every key and list item."""

from __future__ import annotations

import yaml

Path_ = tuple  # a path into the document: keys and list indices
MAX_DEPTH = 50  # levels of nested mappings and lists; our files use fewer than ten


class _Loader(yaml.SafeLoader):
    """The safe loader without aliases: ``*name`` repeats a node by reference, so a few hundred bytes of nested
    aliases ("billion laughs") stand for billions of values, and an alias inside its own anchor for an endless
    one. A scenario, a letter or a settings file has no need for them."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, f"an alias (*{event.anchor}) repeats another value; "
                                              "aliases are not accepted here: write the value out", event.start_mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:  # composing recurses once per level: deep nesting would exhaust the stack
                raise yaml.composer.ComposerError(None, None, f"values nested more than {MAX_DEPTH} levels deep",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_with_lines(text: str) -> tuple[object, dict[Path_, int], list[tuple[int, str]]]:
    """(document, {path: line}, [(line, problem)]) of YAML ``text``; lines count from 1.

    Problems are duplicate keys (which plain YAML loaders silently overwrite).
    Raises ``yaml.YAMLError`` (with its mark) if the text is not YAML, uses an alias (``*name``) or nests values
    more than :data:`MAX_DEPTH` levels deep.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {(): 1}
    problems: list[tuple[int, str]] = []
    if node is not None:
        lines[()] = node.start_mark.line + 1
        _walk(node, (), lines, problems)
    return data, lines, problems


def _walk(node, path, lines, problems) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append((line, f"key '{key}' appears twice in one mapping (first on line {seen[key]})"))
            seen[key] = line
            lines[path + (key,)] = line
            _walk(value_node, path + (key,), lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _walk(item, path + (i,), lines, problems)


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of ``path``, or of its nearest ancestor that has one."""
    path = tuple(path)
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)


def dotted(path: Path_) -> str:
    """``operations[2].exclude_studies.where.year`` for a path."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out
