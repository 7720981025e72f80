"""Answers to critics: a letter is data (``responses/<name>/letter.yaml``), each claim tested by scenarios.

    from analysis.responses import load_letter
    letter = load_letter(project, "society-34")       # validated; LetterInvalid lists every problem
    # `rapidrec build` runs every letter's scenarios (analysis.responses.run.responses) and registers
    # the numbers their paragraphs print; the chapters call analysis.responses.show.show_letter(name);
    # `rapidrec respond NAME` renders one answer as a standalone HTML and PDF document (document.py).

Schema: :mod:`analysis.responses.letter`; generated text: :mod:`analysis.responses.paragraphs`.
"""

from analysis.responses.letter import (
    CATEGORIES,
    Claim,
    Letter,
    LetterInvalid,
    letter_names,
    letter_path,
    load_letter,
    load_letters,
    parse_letter,
)

__all__ = ["CATEGORIES", "Claim", "Letter", "LetterInvalid", "letter_names", "letter_path", "load_letter",
           "load_letters", "parse_letter"]
