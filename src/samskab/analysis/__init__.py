"""Samskab's analysis engine (work in progress): see README.md in this package."""
