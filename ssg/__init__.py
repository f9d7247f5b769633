"""ssg: a static site generator for clinical-trial summaries."""

__version__ = "0.1.0"
