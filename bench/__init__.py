"""Benchmarks for Samskab: deterministic data generators and programs that print figures."""
