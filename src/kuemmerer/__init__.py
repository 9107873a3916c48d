"""Kümmerer – desktop application for the community coordinator of a neighbourhood."""

__version__ = "0.1.0"
APP_NAME = "kuemmerer"
APP_TITLE = "Kümmerer"
