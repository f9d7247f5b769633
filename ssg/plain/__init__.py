"""Plain-language summaries, readability measures and the glossary of trial words."""

from ssg.plain.summary import GENERATED_NOTE, MAX_GRADE, MAX_WORDS, PlainSection, PlainSummary, summarise

__all__ = ["GENERATED_NOTE", "MAX_GRADE", "MAX_WORDS", "PlainSection", "PlainSummary", "summarise"]
