"""Questions drivers ask an operator, with answers, in English and German. Every operator
serves the same set (read-only content, numbered from 1); the wording names no operator so
it fits any of them."""

from __future__ import annotations

from dataclasses import dataclass

# When the texts were last changed (their lastUpdatedAt).
UPDATED_AT = "2026-01-01T00:00:00.000Z"


@dataclass(frozen=True)
class Faq:
    id: int
    question: dict[str, str]  # locale -> text
    answer: dict[str, str]


FAQS = (
    Faq(1, {"en": "How do I start charging?",
            "de": "Wie starte ich einen Ladevorgang?"},
        {"en": "Pick the charger and connector in the app and tap Start, or hold your "
               "charge card to the reader. Plug in your vehicle when the app asks you to.",
         "de": "Wählen Sie Ladestation und Anschluss in der App und tippen Sie auf Starten, "
               "oder halten Sie Ihre Ladekarte an das Lesegerät. Stecken Sie das Fahrzeug "
               "an, sobald die App Sie dazu auffordert."}),
    Faq(2, {"en": "How do I stop charging?", "de": "Wie beende ich einen Ladevorgang?"},
        {"en": "Tap Stop in the app or hold the same card to the reader again. The cable "
               "is released when the session has ended.",
         "de": "Tippen Sie in der App auf Beenden oder halten Sie dieselbe Karte erneut an "
               "das Lesegerät. Das Kabel wird nach dem Ende des Ladevorgangs freigegeben."}),
    Faq(3, {"en": "What does charging cost?", "de": "Was kostet das Laden?"},
        {"en": "Each connector shows its price before you start: a fee per kWh, and where "
               "it applies a start fee, a fee per minute and a parking fee after charging.",
         "de": "Jeder Anschluss zeigt seinen Preis vor dem Start: einen Preis pro kWh und, "
               "wo zutreffend, eine Startgebühr, einen Minutenpreis und eine Parkgebühr nach "
               "dem Laden."}),
    Faq(4, {"en": "The cable is stuck. What can I do?",
            "de": "Das Kabel steckt fest. Was kann ich tun?"},
        {"en": "Make sure the session has ended, then unlock the vehicle. If the cable "
               "stays locked, call the hotline shown on the charger: it can unlock the "
               "connector remotely.",
         "de": "Stellen Sie sicher, dass der Ladevorgang beendet ist, und entriegeln Sie das "
               "Fahrzeug. Bleibt das Kabel verriegelt, rufen Sie die Hotline an der "
               "Ladestation an: Sie kann den Anschluss aus der Ferne entriegeln."}),
    Faq(5, {"en": "Can I reserve a charger?", "de": "Kann ich eine Ladestation reservieren?"},
        {"en": "Where the charger supports it, the app lets you reserve a connector for a "
               "few minutes; only your card can start there until the reservation expires.",
         "de": "Wo die Ladestation es unterstützt, können Sie in der App einen Anschluss für "
               "einige Minuten reservieren; bis zum Ablauf kann nur Ihre Karte dort starten."}),
    Faq(6, {"en": "Where do I find my invoices?", "de": "Wo finde ich meine Rechnungen?"},
        {"en": "Every finished session appears in your history with its receipt; monthly "
               "invoices are listed in your account.",
         "de": "Jeder beendete Ladevorgang erscheint mit Beleg in Ihrem Verlauf; "
               "Monatsrechnungen finden Sie in Ihrem Konto."}),
)
BY_ID = {f.id: f for f in FAQS}
