"""Build of the compiled part of the analysis engine (everything else is in pyproject.toml).

``samskab.analysis._kernel`` is plain C against CPython's API (no numpy headers): the word
hashing, slot collapsing and MinHash of :mod:`samskab.analysis.hashing`. Building it needs a
C compiler and the Python headers (Debian: ``gcc`` and ``python3-dev``; pyenv's Pythons ship
their headers)."""

from setuptools import Extension, setup

setup(ext_modules=[Extension(
    "samskab.analysis._kernel", sources=["src/samskab/analysis/_kernel.c"],
    extra_compile_args=["-O3", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"])])
