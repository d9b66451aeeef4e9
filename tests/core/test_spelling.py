"""Danish spelling of what people read: templates, messages in Python, and letters.

Every word is checked by Debian's hunspell with the Danish dictionary (``hunspell-da``),
plus the project's short word list ``tests/core/spelling_words.txt`` for terms the
dictionary lacks (names of services, compounds of kontanthjælp, ...). The test lists each
unknown word with the file and line it stands on. docs/sprog.md says how to add a word.

What counts as text people read:

- templates under ``src/helhed/templates``: the text between tags and the human-facing
  attributes (``aria-label``, ``title``, ``placeholder``, ``alt``); template tags and
  variables are left out, except the two forms of a word built with ``pluralize``
  (``åb{{ n|pluralize:"en,ne" }}`` gives "åben" and "åbne") and ``default:"..."`` texts;
- Python under ``src/helhed`` (migrations, which repeat the models, left out): string
  literals passed to exceptions and messages, the ``label``, ``help_text``,
  ``verbose_name``, ``help``, ``description`` and ``error_messages`` of fields and options,
  the labels of choices, and any other literal with Danish letters (æ, ø, å) in it.
  Docstrings, comments, log messages and identifiers are not for citizens and are skipped;
- every kind of letter, composed from its demo case (``casework.letters.DEMO_CONTEXT``).

Words in capitals (abbreviations: CPR, PDF, UUID) and words with digits are skipped.
"""

from __future__ import annotations

import ast
import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "helhed"
TEMPLATES = SRC / "templates"
WORDS_FILE = Path(__file__).with_name("spelling_words.txt")
DICTIONARY = Path("/usr/share/hunspell/da_DK.dic")

WORD = re.compile(r"[\wÆØÅæøå]+(?:-[\wÆØÅæøå]+)*(\.)?(-)?")
# Tokens that are code, not words: options and extensions (--citizens, .csv), names with _ : / @ = , inside
# (hlk_, questions:write, code,ydelse), domains and files (borger.dk, DOMAIN.md), header
# names (Idempotency-Key, X-Request-ID) and `code` in backticks.
CODE_TOKEN = re.compile(r"`[^`]*`|(?<!\S)[-.]+\w\S*|\S*(?:\w[_:/@=,]\w|\w\.(?:dk|md|py|html|csv|json|org|com)\b"
                        r"|\b[A-Z][a-z]*(?:-[A-Z][A-Za-z]*)+\b)\S*")
DANISH_LETTER = re.compile(r"[æøåÆØÅ]")


@dataclass(frozen=True)
class Word:
    word: str
    where: str
    dotted: bool = False  # followed by a full stop: "kl." and "fx." are words with it


def words_in(text: str, where: str) -> list[Word]:
    found = []
    for match in WORD.finditer(CODE_TOKEN.sub(" ", text)):
        if match.group(2) or any(c.isdigit() or c == "_" for c in match.group(0)):
            continue  # the first part of "Børne- og ungeydelse", or a name with digits
        # Abbreviations in capitals are skipped, also in a compound ("CPR-nummer" is "nummer").
        word = "-".join(part for part in match.group(0).rstrip(".").split("-") if not part.isupper())
        if len(word) < 2:
            continue
        found.append(Word(word, where, dotted=bool(match.group(1))))
    return found


# --- templates ----------------------------------------------------------------------------

_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)
_CODE = re.compile(r"<(script|style|code|kbd|samp|pre)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_PLURAL = re.compile(r"(\w*)\{\{[^{}]*?\|pluralize(?::\"([^\"]*)\")?[^{}]*\}\}")
_DEFAULT = re.compile(r"\|default(?:_if_none)?:\"([^\"]*)\"")
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_TAG = re.compile(r"<[^<>]*>", re.DOTALL)
_HUMAN_ATTR = re.compile(r"\b(?:aria-label|title|placeholder|alt)\s*=\s*\"([^\"]*)\"")


def _blank(match: re.Match, keep: str = "") -> str:
    """Replace what matched, keeping its line breaks so that line numbers stay right."""
    return f" {keep} " + "\n" * match.group(0).count("\n")


def _pluralized(match: re.Match) -> str:
    stem, suffixes = match.group(1), match.group(2)
    singular, plural = (suffixes.split(",", 1) if "," in (suffixes or "") else ("", suffixes or "s"))
    return _blank(match, f"{stem}{singular} {stem}{plural}")


def template_text(source: str) -> str:
    """The text a template shows people, line for line as in the source."""
    text = _COMMENT.sub(_blank, source)
    text = _CODE.sub(_blank, text)
    text = _PLURAL.sub(_pluralized, text)
    text = _TEMPLATE.sub(lambda m: _blank(m, " ".join(_DEFAULT.findall(m.group(0)))
                                             if m.group(0).startswith("{{") else ""), text)
    text = _TAG.sub(lambda m: _blank(m, " ".join(_HUMAN_ATTR.findall(m.group(0)))), text)
    return html.unescape(text)


def template_words() -> list[Word]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(template_text(path.read_text(encoding="utf-8")).splitlines(), 1):
            found += words_in(line, f"{path.relative_to(ROOT)}:{number}")
    return found


# --- Python -------------------------------------------------------------------------------

HUMAN_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "help", "description",
                  "error_messages", "empty_label", "message", "title", "summary"}
HUMAN_CALLS = {"ValidationError", "success", "warning", "info", "add_message", "gettext", "CommandError"}
LOG_CALLS = {"debug", "info", "warning", "error", "exception", "critical"}


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _is_logging(node: ast.Call) -> bool:
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr in LOG_CALLS
            and isinstance(func.value, ast.Name) and func.value.id in {"log", "logger", "logging"})


class _Strings(ast.NodeVisitor):
    """String literals and the literal parts of f-strings, each marked human-facing or not."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str, bool]] = []
        self._human = False
        self._skip: set[int] = set()
        self._choices = False  # inside a TextChoices (or IntegerChoices) class

    def _inside(self, nodes, human: bool) -> None:
        outer, self._human = self._human, human
        for node in nodes:
            if node is not None:
                self.visit(node)
        self._human = outer

    def _docstring(self, node) -> None:
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self._skip.add(id(body[0].value))
        self.generic_visit(node)

    visit_Module = visit_FunctionDef = visit_AsyncFunctionDef = _docstring

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer = self._choices
        self._choices = any((b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "")).endswith("Choices")
                            for b in node.bases)
        self._docstring(node)
        self._choices = outer

    def visit_Call(self, node: ast.Call) -> None:
        if _is_logging(node):
            return
        self.visit(node.func)
        self._inside(node.args, _call_name(node) in HUMAN_CALLS)
        for keyword in node.keywords:
            self._inside([keyword.value], keyword.arg in HUMAN_KEYWORDS)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self.visit(node.value)
        self._inside([node.slice], False)  # d["description"] is a key

    def visit_Dict(self, node: ast.Dict) -> None:
        self._inside(node.keys, False)  # keys are field names and error codes
        self._inside(node.values, self._human)

    def visit_Assign(self, node: ast.Assign) -> None:
        # A choice's label: ``CASH = "cash", "Kontanter"`` in a TextChoices class.
        value = node.value
        if self._choices and isinstance(value, ast.Tuple) and len(value.elts) == 2 \
                and isinstance(value.elts[-1], ast.Constant) and isinstance(value.elts[-1].value, str):
            self._skip.add(id(value.elts[0]))
            self._inside([value.elts[1]], True)
            return
        self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        for part in node.values:
            if isinstance(part, ast.Constant):
                self._string(part, part.value)
            else:
                self.visit(part.value)  # the expressions, not their format specifications

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self._string(node, node.value)

    def _string(self, node: ast.Constant, value: str) -> None:
        if id(node) in self._skip or not value.strip():
            return
        self.found.append((node.lineno, value, self._human))


def _looks_like_text(value: str, human: bool) -> bool:
    """Human-facing literals are text; elsewhere only Danish text, not paths, names or
    patterns (a literal without a space, or with markup, is not a sentence)."""
    if re.search(r"[\\{}<>|^$]|://|\w/\w|\w_\w", value):
        return False
    return human or bool(DANISH_LETTER.search(value))


def python_words() -> list[Word]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        visitor = _Strings()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for line, value, human in visitor.found:
            if _looks_like_text(value, human):
                found += words_in(value, f"{path.relative_to(ROOT)}:{line}")
    return found


# --- letters ------------------------------------------------------------------------------

def letter_words() -> list[Word]:
    from helhed.casework.letters import DEMO_CONTEXT, compose

    found = []
    for kind, context in DEMO_CONTEXT.items():
        letter = compose(kind, context)
        for number, line in enumerate(f"{letter.subject}\n{letter.text}".splitlines(), 1):
            found += words_in(line, f"letter {kind} (its demo case), line {number}")
    return found


# --- the check ----------------------------------------------------------------------------

def unknown(words: list[str]) -> set[str]:
    """The words neither the Danish dictionary nor the project's word list knows."""
    hunspell = shutil.which("hunspell")
    if hunspell is None or not DICTIONARY.is_file():
        pytest.fail("The spell check needs Debian's hunspell and its Danish dictionary "
                    f"({DICTIONARY}); install them with `apt-get install -y hunspell hunspell-da` "
                    "(`make system-packages` and `make test` do it).", pytrace=False)
    command = [hunspell, "-l", "-d", str(DICTIONARY.with_suffix("")), "-p", str(WORDS_FILE)]
    result = subprocess.run(command, input="\n".join(words) + "\n", capture_output=True,  # noqa: S603 (fixed argv)
                            text=True, check=True, encoding="utf-8")
    return set(result.stdout.split())


def misspelled(found: list[Word]) -> list[str]:
    candidates = sorted({w.word for w in found} | {f"{w.word}." for w in found if w.dotted})
    bad = unknown(candidates)
    return [f"  {w.where}: {w.word}" for w in found
            if w.word in bad and not (w.dotted and f"{w.word}." not in bad)]


def _assert_spelled(found: list[Word], what: str) -> None:
    assert found, f"no words found in {what}: the extraction is broken"
    problems = list(dict.fromkeys(misspelled(found)))
    assert not problems, (
        f"{len(problems)} words in {what} are not Danish as the dictionary knows it. Fix the spelling, "
        f"or add a real term to {WORDS_FILE.relative_to(ROOT)} (docs/sprog.md):\n" + "\n".join(problems))


def test_templates_are_spelled_right():
    _assert_spelled(template_words(), "the templates")


def test_messages_in_python_are_spelled_right():
    _assert_spelled(python_words(), "messages, labels and choices in Python")


def test_letters_are_spelled_right(db):
    _assert_spelled(letter_words(), "the letters")


def test_the_check_finds_a_misspelling_in_a_pluralized_word():
    """The slip the check was written for: "åbene" built from åben + pluralize:"e"."""
    text = template_text('<p>{{ n }} åben{{ n|pluralize:"e" }} sag{{ n|pluralize:"er" }}</p>\n'
                         '<a href="/x" title="Se sagen" class="aabene">Næste</a>{# aabenee #}')
    found = words_in(text, "example")
    assert [w.word for w in found] == ["åben", "åbene", "sag", "sager", "Se", "sagen", "Næste"]
    assert misspelled(found) == ["  example: åbene"]


def test_the_check_reads_messages_and_choice_labels_but_not_docstrings_or_logs():
    visitor = _Strings()
    visitor.visit(ast.parse(
        '"""Module docstring."""\n'
        'class S(TextChoices):\n'
        '    OPEN = "open", "Åben sag"\n'
        'def f():\n'
        '    """Docstring."""\n'
        '    logger.info("Started %s", x)\n'
        '    raise ValidationError(f"Sagen er {x} og kan ikke lukkes.")\n'
        'fields = ("name", "code")\n'
    ))
    assert visitor.found == [(3, "Åben sag", True), (7, "Sagen er ", True), (7, " og kan ikke lukkes.", True),
                             (8, "name", False), (8, "code", False)]
