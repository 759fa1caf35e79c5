"""Paragraph breaks of a re-uploaded file, kept as the draft had them.

A .docx holds paragraphs, not lines: the space between them is formatting, not an empty
paragraph. A draft typed or uploaded as text often separates its paragraphs with a blank line.
Read naively, a Word re-upload of such a draft loses every blank line and a two-word edit shows
as dozens of deleted lines. So a file read as paragraphs follows the separator of the revision it
replaces. Pure."""

from __future__ import annotations


def uses_blank_lines(text: str) -> bool:
    """Whether the text separates its paragraphs with blank lines (most breaks are blank lines)."""
    lines = text.strip("\n").split("\n")
    filled = sum(1 for line in lines if line.strip())
    blank_breaks = sum(1 for i in range(1, len(lines) - 1)
                       if not lines[i].strip() and lines[i - 1].strip() and lines[i + 1].strip())
    return filled > 1 and blank_breaks * 2 >= filled - 1


def follow_paragraph_breaks(paragraphs_text: str, previous: str) -> str:
    """``paragraphs_text`` (one paragraph a line, as read from a .docx) with its paragraphs
    separated as ``previous`` separates its own (by a blank line, or by a line break), and ending
    as it ends."""
    text = paragraphs_text
    if uses_blank_lines(previous) and not uses_blank_lines(text):
        text = "\n\n".join(line for line in text.split("\n") if line.strip())
    ending = "\n" if previous.endswith("\n") else ""  # and its final line break, or none
    return text.rstrip("\n") + ending
