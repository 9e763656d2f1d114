"""Chinese and Japanese text, which is written without spaces between words.

One definition of its characters serves the loader (a folded line break
between two of them is no space), the messages (a space only where Chinese
meets a Latin letter or digit) and the change list (each character counts as
a word when texts are compared).
"""
from __future__ import annotations

import re

# Chinese and Japanese characters and their punctuation (not Hangul: Korean
# separates words by spaces), as the body of a regular expression's [class].
CJK_CHARACTERS = ("\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3200-\u32ff"
                  "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff01-\uff60"
                  "\U00020000-\U0003134f")
CJK = re.compile(f"[{CJK_CHARACTERS}]")
# Their punctuation and the full-width forms: no space is put next to these.
WIDE_PUNCTUATION = re.compile("[\u3000-\u303f\uff00-\uffef…—]")
