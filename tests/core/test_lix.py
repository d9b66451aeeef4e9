"""Plain Danish, measured: every text the demo universe sends or shows citizens is easy to read."""

import pytest

from helhed.core.lix import EASY_BELOW, lix


def test_lix_of_a_known_text():
    # 9 words, 2 sentences, 3 long words (modtaget, ansøgning, kommunen): 9/2 + 100*3/9.
    assert lix("Vi har modtaget din ansøgning. Du hører fra kommunen.") == pytest.approx(4.5 + 100 * 3 / 9)


def test_long_words_and_long_sentences_raise_it():
    easy = lix("Du får en tid. Kom i god tid. Tag dit pas med.")
    hard = lix("Forvaltningsretlige partshøringsbestemmelser forudsætter administrationsgrundlagets "
               "fuldstændiggørelse inden afgørelsestidspunktet")
    assert easy < EASY_BELOW <= hard


def test_empty_text_is_zero():
    assert lix("") == 0.0


def test_every_citizen_message_and_decision_in_the_demo_is_easy(db, demo_universe):
    from helhed.borgerservice.models import OutboxMessage
    from helhed.review.models import ReviewCase
    from helhed.review.selectors import decision_in_plain_danish

    texts = [m.body for m in OutboxMessage.objects.all()]
    texts += ["\n".join(decision_in_plain_danish(c)) for c in ReviewCase.objects.all()]
    assert len(texts) > 20
    hard = [(round(lix(t), 1), t[:80]) for t in texts if lix(t) >= EASY_BELOW]
    assert not hard, f"texts for citizens with LIX {EASY_BELOW} or more: {hard}"
