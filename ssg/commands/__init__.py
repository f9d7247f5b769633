"""One module per command; see ssg/cli.py."""
