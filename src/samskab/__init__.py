"""Samskab: OGP action plans from consultation to evaluation."""
