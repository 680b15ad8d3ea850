"""Generic spiders, one per kind of source; sites differ only by their source config."""
