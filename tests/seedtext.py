"""Finding text in the seeds: headings, sections, white-space-folded phrases (test helper)."""

from __future__ import annotations

import re


def squash(text: str) -> str:
    """Fold white space; rejoin numbers the PDF conversion split at a hyphen ("16-\\n84")."""
    return re.sub(r"(\d-)\s+(\d)", r"\1\2", re.sub(r"\s+", " ", text))


def region(text: str, section: str) -> str:
    """Text under the heading named by ``section`` ('A / B': B narrows A when it is a heading).

    Seeds converted without markdown headings (004) are searched from the line that starts with
    the section title to the end of the file.
    """
    lines = text.splitlines()
    start, end = 0, len(lines)
    parts = [p.strip() for p in section.split(" / ")]
    for number, part in enumerate(parts):
        pattern = re.compile(r"^(#+)\s*\**" + re.escape(part) + r"\**\s*$")
        hits = [i for i in range(start, end) if pattern.match(lines[i].strip())]
        if not hits:
            plain = [i for i in range(start, end) if lines[i].strip().startswith(part)]
            if number == 0:
                assert plain, f"section {part!r} not found"
                start = plain[0]
            break
        level = len(pattern.match(lines[hits[0]].strip()).group(1))
        start = hits[0]
        following = [i for i in range(start + 1, end) if re.match(r"^#{1,%d}\s" % level, lines[i])]
        end = following[0] if following else end
    return "\n".join(lines[start:end])
