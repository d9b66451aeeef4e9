"""LIX, the readability index for Danish plain-language writing.

LIX = words / sentences + 100 × long words / words, where a long word has more than six
letters (Carl-Hugo Björnsson, "Läsbarhet", 1968). Bands used in Denmark and in DOMAIN.md:
below 35 easy, 35–44 medium, 45 and above hard. Texts meant for citizens (messages,
decisions in plain Danish) are measured with it in the tests.
"""

import re

EASY_BELOW = 35
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# A sentence ends at . : ! ? or a line break (headings and list items count as sentences).
_SENTENCE_END = re.compile(r"[.:!?]+(?=\s|$)|\n+")


def lix(text: str) -> float:
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    long_words = sum(1 for w in words if len(w.replace("-", "")) > 6)
    return len(words) / sentences + 100 * long_words / len(words)
