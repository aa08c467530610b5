"""A Jupyter notebook (nbformat 4.5) of a Python program: its docstring as the first
Markdown cell, each part of the program as a code cell. Written as JSON directly, so the
portal needs no Jupyter packages; the tests validate it with nbformat."""

from __future__ import annotations

import json

from catalog_portal.snippets.python import Program


def notebook_make(*, program: Program) -> str:
    """The notebook's JSON text (cell ids are their positions, so the output is stable)."""
    cells = [_cell("markdown", program.doc, "cell-0")]
    cells.extend(
        _cell("code", source, f"cell-{number}")
        for number, source in enumerate(program.cells, start=1)
    )
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def _cell(kind: str, text: str, cell_id: str) -> dict:
    lines = text.splitlines(keepends=True)
    cell: dict = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": lines}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell
