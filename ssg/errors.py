"""Errors that carry the phase, the file and the place, never a traceback for the user."""

from __future__ import annotations


class SsgError(Exception):
    """Base of every error ssg reports to the user."""


class ParseError(SsgError):
    """A record could not be read.

    ``where`` is a line ("line 12") or a JSON/XML path ("$.protocolSection.statusModule").
    """

    def __init__(self, path: str, problem: str, where: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.where = where
        super().__init__(self.__str__())

    def __str__(self) -> str:
        place = f":{self.where}" if self.where else ""
        return f"{self.path}{place}: {self.problem}"


class BuildError(SsgError):
    """A problem found while building the site (phase names where it happened)."""

    def __init__(self, phase: str, problem: str, path: str | None = None):
        self.phase = phase
        self.problem = problem
        self.path = path
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f" {self.path}:" if self.path else ""
        return f"[{self.phase}]{where} {self.problem}"


class OutputDirRefused(SsgError):
    """ssg will not write into this folder (it did not create it, or it holds sources)."""
