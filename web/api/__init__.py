"""The JSON API for the systems around the office, one package per version (``v1``)."""
