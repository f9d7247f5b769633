"""The site model: trials enriched with plain summaries and taxonomy terms, and its URL scheme."""
